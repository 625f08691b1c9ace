using M2M.Gateway.Commands;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// The gateway's side of the crash-point table of docs/protocol.md section 12.5: the gateway stops (every
/// store closed, the process's state gone) after each of its steps of a rotation and starts again over
/// the same data folder; the credential the device holds at that point is accepted by the real token
/// endpoint, and the one it must not use is refused. The device's side of the table is proved by
/// EveryCrashPointOfARotationLeavesAnAcceptedCredentialTests (device tests).
/// </summary>
public sealed class EveryGatewayCrashPointOfARotationLeavesAnAcceptedCredentialTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromHours(1);
    private RotationGateway _rig = null!;

    public async Task InitializeAsync() => _rig = await RotationGateway.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task StoppedAfterStoringTheOfferTheOldSecretWorksAndTheRotationGoesOn()
    {
        var sequence = await _rig.StartRotationAsync(Timeout);
        await _rig.RestartAsync();

        Assert.Null(await _rig.TokenErrorAsync(_rig.Secret));
        Assert.Equal("offered", (await _rig.RotationAsync(sequence)).GetProperty("state").GetString());
        var (result, _, newSecret) = await _rig.DeviceAnswersAsync(sequence, _rig.Secret);
        Assert.Equal(CommandResultOutcome.Recorded, await _rig.ReceiveAsync(result));
        Assert.Null(await _rig.TokenErrorAsync(newSecret));
        Assert.Equal("completed", (await _rig.RotationAsync(sequence)).GetProperty("state").GetString());
        Assert.Equal("invalid_client", await _rig.TokenErrorAsync(_rig.Secret));
    }

    [Fact]
    public async Task StoppedAfterRecordingTheAnswerBeforeCheckingItsProofTheDeviceGoesBackToTheOldSecret()
    {
        var sequence = await _rig.StartRotationAsync(Timeout);
        var (_, detail, newSecret) = await _rig.DeviceAnswersAsync(sequence, _rig.Secret);

        // The first of the two writes of an answer (the command's result), then the stop.
        await _rig.Gateway.Service<CommandStore>().CompleteAsync(RotationGateway.DeviceId, sequence, "ok", detail, _rig.Time.GetUtcNow(), CancellationToken.None);
        await _rig.RestartAsync();

        // The device on probation with S' is refused (section 12.5), goes back to S, which is accepted.
        Assert.Equal("invalid_client", await _rig.TokenErrorAsync(newSecret));
        Assert.Null(await _rig.TokenErrorAsync(_rig.Secret));
        await _rig.AdvanceAndCheckDeadlinesAsync(Timeout);
        Assert.Equal("rolled_back", (await _rig.RotationAsync(sequence)).GetProperty("state").GetString());
        Assert.Null(await _rig.TokenErrorAsync(_rig.Secret));
        Assert.Equal(1, await _rig.GenerationAsync());
    }

    [Fact]
    public async Task StoppedAfterTheProofBothSecretsWorkUntilTheNewOneIsUsedAndItStaysCurrentAfterAnotherStop()
    {
        var sequence = await _rig.StartRotationAsync(Timeout);
        var (result, _, newSecret) = await _rig.DeviceAnswersAsync(sequence, _rig.Secret);
        Assert.Equal(CommandResultOutcome.Recorded, await _rig.ReceiveAsync(result));
        await _rig.RestartAsync();

        // A device whose restart into S' was lost is still accepted with S...
        Assert.Equal("proved", (await _rig.RotationAsync(sequence)).GetProperty("state").GetString());
        Assert.Null(await _rig.TokenErrorAsync(_rig.Secret));

        // ...and S' is accepted and becomes current; S is refused from then on, across a stop too.
        Assert.Null(await _rig.TokenErrorAsync(newSecret));
        Assert.Equal("invalid_client", await _rig.TokenErrorAsync(_rig.Secret));
        await _rig.RestartAsync();
        Assert.Equal("completed", (await _rig.RotationAsync(sequence)).GetProperty("state").GetString());
        Assert.Equal(2, await _rig.GenerationAsync());
        Assert.Null(await _rig.TokenErrorAsync(newSecret));
        Assert.Equal("invalid_client", await _rig.TokenErrorAsync(_rig.Secret));
    }

    [Fact]
    public async Task StoppedBetweenPromotingTheNewSecretAndRecordingItTheRotationCompletesAtItsDeadline()
    {
        var sequence = await _rig.StartRotationAsync(Timeout);
        var (result, _, newSecret) = await _rig.DeviceAnswersAsync(sequence, _rig.Secret);
        Assert.Equal(CommandResultOutcome.Recorded, await _rig.ReceiveAsync(result));

        // The first of the promotion's two writes (the registry takes S'), then the stop.
        Assert.NotNull(await _rig.Gateway.Registry.ReplaceSecretAsync(RotationGateway.DeviceId, newSecret, 1, CancellationToken.None));
        await _rig.RestartAsync();

        Assert.Null(await _rig.TokenErrorAsync(newSecret));
        Assert.Equal("invalid_client", await _rig.TokenErrorAsync(_rig.Secret));
        await _rig.AdvanceAndCheckDeadlinesAsync(Timeout);
        Assert.Equal("completed", (await _rig.RotationAsync(sequence)).GetProperty("state").GetString());
        Assert.Null(await _rig.TokenErrorAsync(newSecret));
        Assert.Equal(2, await _rig.GenerationAsync());
    }
}
