using System.Security.Cryptography;
using M2M.Device.Core.Commands;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Time;
using M2M.Gateway.Commands;
using M2M.Testing;

namespace M2M.Fuzz.Device;

/// <summary>
/// A command PUBLISH as the device's <see cref="CommandProcessor"/> takes it (docs/protocol.md
/// section 11.4): byte 0 bit 0 set means the rest is a command's field encoding that the target
/// signs with the test vectors' K_cmd first (section 11.2), so the fields behind the HMAC are fuzzed
/// too; clear, the rest is the payload as it came. Bit 1 says whether the device's clock is
/// synchronized (expiry is judged only then). Checks that every answer is a result the gateway's own
/// reader (<see cref="CommandWire.TryDecodeResult"/>) verifies, with a status of section 11.3, and
/// that the same payload delivered again gets the same answer without running the command twice.
/// </summary>
public sealed class CommandTarget : FuzzTarget
{
    /// <summary>The payload was ignored: not authentic, not well formed (section 11.4).</summary>
    public const string Ignored = "ignored";

    private static readonly HashSet<string> ReasonSet =
    [
        Ignored, CommandResult.Ok, CommandResult.UnknownCommand, CommandResult.InvalidArguments, CommandResult.Expired,
        CommandResult.Replayed, CommandResult.Failed,
    ];

    private readonly string _deviceId = ProtocolDocument.TestVectors.GetProperty("device_id").GetString()!;
    private readonly byte[] _commandKey = Convert.FromHexString(ProtocolDocument.TestVectors.GetProperty("k_cmd_hex").GetString()!);

    public override string Name => "command";

    public override string Side => "device";

    public override IReadOnlySet<string> Reasons => ReasonSet;

    public override string Run(byte[] input)
    {
        var flags = input.Length > 0 ? input[0] : 0;
        var rest = input.Length > 0 ? input[1..] : [];
        var payload = (flags & 1) != 0 ? [.. rest, .. HMACSHA256.HashData(_commandKey, rest)] : rest;

        var clock = new DeviceClock(new FixedClock());
        if ((flags & 2) != 0)
        {
            // Half an hour before the vectors' commands expire (docs/protocol.md section 10).
            clock.Correct(1_767_227_400_000);
        }

        var processor = new CommandProcessor(new CommandCodec(_deviceId, _commandKey, new HostHmacSha256()), new CommandJournal(new MemoryFileStore()), new BuiltInCommands(new Target()), clock);
        var answer = processor.Handle(payload);
        if (answer == null)
        {
            Expect(processor.Executed == 0, "a command ran without an answer");
            return Ignored;
        }

        var result = CommandWire.TryDecodeResult(answer, _deviceId, _commandKey, out var badSignature);
        Expect(result != null, badSignature ? "an answer the gateway finds wrongly signed" : "an answer the gateway cannot read");
        Expect(ReasonSet.Contains(result!.Status) && result.Status != Ignored, $"the status '{result.Status}'");

        var executed = processor.Executed;
        var again = processor.Handle(payload);
        Expect(again != null && again.AsSpan().SequenceEqual(answer), "the same command delivered again got another answer");
        Expect(processor.Executed == executed, "the same command delivered again ran twice");
        return result.Status;
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new FuzzInvariantException("command: " + what);
        }
    }

    private sealed class FixedClock : IClock
    {
        public long UptimeMilliseconds => 60_000;

        public long UnixTimeMilliseconds => 0;
    }

    /// <summary>The device application as the built-in commands see it, answering as a healthy one does.</summary>
    private sealed class Target : ICommandTarget
    {
        public string Describe() => "uptime_s=60";

        public string? Configure(int telemetryIntervalSeconds, int outboxSize) => $"telemetry_interval_s={telemetryIntervalSeconds}\noutbox_capacity={outboxSize}";

        public bool ScheduleRestart() => true;

        // The rotation's storage and exchange have their own tests; here only the argument checks before it run.
        public CommandResult RotateSecret(uint sequence, byte[] gatewayPublicKey) => new(CommandResult.Ok, "device_key=x\nproof=y");
    }
}
