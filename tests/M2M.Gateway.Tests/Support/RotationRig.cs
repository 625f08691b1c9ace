using System.Security.Cryptography;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Host.Platform;
using M2M.Gateway.Commands;
using M2M.Gateway.Ingress;
using M2M.Gateway.Ingress.Authorization;
using M2M.Gateway.Ingress.Sessions;
using M2M.Gateway.Metrics;
using M2M.Gateway.Registry;
using M2M.Gateway.Rotation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// The gateway's rotation part over a real registry file and a fake clock, without a network: the
/// test plays the device's part with the device core's own exchange. <see cref="Restart"/> builds
/// every service anew over the same file, as a gateway restart does.
/// </summary>
public sealed class RotationRig : IDisposable
{
    public const string DeviceId = "meter-0042";

    private readonly TempRegistry _registry;
    private SessionRegistry _sessions = null!;

    public RotationRig()
    {
        Time = new FakeTimeProvider(TestClock.Start);
        _registry = new TempRegistry(Time);
        Secret = _registry.Registry.AddAsync(DeviceId, "acme", [], CancellationToken.None).GetAwaiter().GetResult()!.Secret.ToArray();
        Restart();
    }

    public FakeTimeProvider Time { get; }

    public CollectingAuditLog Audit { get; } = new();

    /// <summary>The secret the device was registered with.</summary>
    public byte[] Secret { get; }

    public RotationService Rotations { get; private set; } = null!;

    public RotationStore Store { get; private set; } = null!;

    public CommandStore Commands { get; private set; } = null!;

    public SqliteDeviceRegistry Registry => _registry.Registry;

    /// <summary>New services over the same registry file.</summary>
    public void Restart()
    {
        _sessions?.Dispose();
        var metrics = new GatewayMetrics();
        _sessions = new SessionRegistry(Time, Options.Create(new MqttIngressOptions()), new TopicPolicy(Options.Create(new TopicPolicyOptions())), metrics, NullLogger<SessionRegistry>.Instance);
        Commands = new CommandStore(_registry.Database);
        Store = new RotationStore(_registry.Database);
        RotationService? rotations = null;
        var commands = new CommandService(Commands, Registry, _sessions, Time, metrics, [new Forward(() => rotations!)], NullLogger<CommandService>.Instance);
        rotations = new RotationService(Store, commands, Registry, _registry.Protector, Time, metrics, Audit, NullLogger<RotationService>.Instance);
        Rotations = rotations;
    }

    /// <summary>Starts a rotation with <paramref name="timeout"/>; returns its command.</summary>
    public async Task<CommandEntry> StartAsync(TimeSpan timeout)
    {
        var (outcome, entry) = await Rotations.StartAsync(DeviceId, timeout, "test", CancellationToken.None);
        Assert.Equal(RotationStart.Started, outcome);
        return (await Commands.FindAsync(DeviceId, entry!.Sequence, CancellationToken.None))!;
    }

    /// <summary>The device's part (docs/protocol.md section 12.4) on the command: the answer's detail and S'.</summary>
    public (string Detail, byte[] NewSecret) DeviceAnswers(CommandEntry command, byte[] secret)
    {
        var gatewayKey = System.Buffers.Text.Base64Url.DecodeFromChars(CommandArgumentText.Parse(command.Arguments)["gateway_key"]);
        var exchange = new SecretExchange(new HostHmacSha256(), new X25519());
        Assert.True(exchange.Run(DeviceId, (uint)command.Sequence, secret, gatewayKey, RandomNumberGenerator.GetBytes(32)));
        return ($"device_key={System.Buffers.Text.Base64Url.EncodeToString(exchange.DevicePublicKey!)}\nproof={System.Buffers.Text.Base64Url.EncodeToString(exchange.Proof!)}", exchange.NewSecret!);
    }

    /// <summary>The gateway records the answer, as the ingress does on the device's result PUBLISH (section 11.3).</summary>
    public async Task AnswerAsync(CommandEntry command, string status, string detail)
    {
        var credential = (await Registry.FindCredentialAsync(DeviceId, CancellationToken.None))!;
        await Commands.CompleteAsync(DeviceId, command.Sequence, status, detail, Time.GetUtcNow(), CancellationToken.None);
        await Rotations.AnsweredAsync(command, status, detail, credential, CancellationToken.None);
    }

    /// <summary>
    /// Whether the token endpoint accepts an assertion signed under K_auth of <paramref name="secret"/>
    /// (the rule of VerifyAssertion: the current secret, else a pending one), promoting a pending one as
    /// PromotePendingSecret does.
    /// </summary>
    public async Task<bool> AcceptsAsync(byte[] secret, bool promote = true)
    {
        var credential = (await Registry.FindCredentialAsync(DeviceId, CancellationToken.None))!;
        if (CryptographicOperations.FixedTimeEquals(DeviceKeyDerivation.DeriveAuthKey(credential.Secret.Span), DeviceKeyDerivation.DeriveAuthKey(secret)))
        {
            return true;
        }

        var pending = await Rotations.FindPendingAuthKeyAsync(credential.Device, CancellationToken.None);
        if (pending == null || !CryptographicOperations.FixedTimeEquals(pending.AuthKey, DeviceKeyDerivation.DeriveAuthKey(secret)))
        {
            return false;
        }

        return !promote || await Rotations.PromoteAsync(DeviceId, pending.Sequence, pending.BaseGeneration, CancellationToken.None) != null;
    }

    public async Task<RotationEntry> RotationAsync(long sequence) => (await Store.FindAsync(DeviceId, sequence, CancellationToken.None))!;

    public void Dispose()
    {
        _sessions.Dispose();
        _registry.Dispose();
    }

    private sealed class Forward(Func<RotationService> rotations) : ICommandAnswerHandler
    {
        public Task AnsweredAsync(CommandEntry command, string status, string detail, DeviceCredential credential, CancellationToken cancellationToken) =>
            rotations().AnsweredAsync(command, status, detail, credential, cancellationToken);
    }
}
