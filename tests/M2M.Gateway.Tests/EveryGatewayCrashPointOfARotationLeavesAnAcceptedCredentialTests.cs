using M2M.Gateway.Rotation;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// The gateway's side of the crash-point table of docs/protocol.md section 12.5: the gateway restarts
/// (every service built anew over the same registry file) after each of its steps, and the device's
/// credential at that point (S before the gateway holds a verified S', S or S' while S' is pending,
/// S' once promoted) is accepted, the other one refused once S' is current.
/// </summary>
public sealed class EveryGatewayCrashPointOfARotationLeavesAnAcceptedCredentialTests : IDisposable
{
    private readonly RotationRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task RestartedAfterStartingTheDevicesSStillWorksAndTheRotationGoesOn()
    {
        var command = await _rig.StartAsync(TimeSpan.FromHours(1));
        _rig.Restart();

        Assert.True(await _rig.AcceptsAsync(_rig.Secret));
        var (detail, newSecret) = _rig.DeviceAnswers(command, _rig.Secret);
        await _rig.AnswerAsync(command, "ok", detail);
        _rig.Restart();
        Assert.True(await _rig.AcceptsAsync(newSecret));
        Assert.Equal(RotationState.Completed, (await _rig.RotationAsync(command.Sequence)).State);
    }

    [Fact]
    public async Task RestartedAfterTheProofBothSecretsWorkUntilSPrimeIsUsed()
    {
        var command = await _rig.StartAsync(TimeSpan.FromHours(1));
        var (detail, newSecret) = _rig.DeviceAnswers(command, _rig.Secret);
        await _rig.AnswerAsync(command, "ok", detail);
        _rig.Restart();

        // A device that went back to S (its restart lost the race) is still accepted...
        Assert.True(await _rig.AcceptsAsync(_rig.Secret));

        // ...and S' is accepted and becomes current, after which S is refused.
        Assert.True(await _rig.AcceptsAsync(newSecret));
        Assert.False(await _rig.AcceptsAsync(_rig.Secret));
        Assert.Equal(2, (await _rig.Registry.FindAsync(RotationRig.DeviceId, CancellationToken.None))!.CredentialGeneration);
    }

    [Fact]
    public async Task RestartedBetweenPromotionAndRecordingItTheRotationIsCompletedAtItsDeadline()
    {
        var command = await _rig.StartAsync(TimeSpan.FromHours(1));
        var (detail, newSecret) = _rig.DeviceAnswers(command, _rig.Secret);
        await _rig.AnswerAsync(command, "ok", detail);

        // The registry took S' but the gateway stopped before the rotation row said so.
        await _rig.Registry.ReplaceSecretAsync(RotationRig.DeviceId, newSecret, 1, CancellationToken.None);
        _rig.Restart();
        Assert.True(await _rig.AcceptsAsync(newSecret));
        Assert.False(await _rig.AcceptsAsync(_rig.Secret));

        _rig.Time.Advance(TimeSpan.FromHours(1));
        await _rig.Rotations.CheckDeadlinesAsync(CancellationToken.None);
        Assert.Equal(RotationState.Completed, (await _rig.RotationAsync(command.Sequence)).State);
        Assert.True(await _rig.AcceptsAsync(newSecret));
    }

    [Fact]
    public async Task AnAnswerThatDoesNotVerifyEndsTheRotationAndSStays()
    {
        var command = await _rig.StartAsync(TimeSpan.FromHours(1));
        var (detail, newSecret) = _rig.DeviceAnswers(command, _rig.Secret);
        var forged = detail[..^3] + (detail[^3] == 'A' ? "B" : "A") + detail[^2..];

        await _rig.AnswerAsync(command, "ok", forged);

        var rotation = await _rig.RotationAsync(command.Sequence);
        Assert.Equal(RotationState.Failed, rotation.State);
        Assert.Equal("bad_proof", rotation.Reason);
        Assert.False(await _rig.AcceptsAsync(newSecret));
        Assert.True(await _rig.AcceptsAsync(_rig.Secret));
    }

    [Fact]
    public async Task ADeviceThatRefusesEndsTheRotationWithItsReason()
    {
        var command = await _rig.StartAsync(TimeSpan.FromHours(1));

        await _rig.AnswerAsync(command, "failed", "reason=restart_unsupported");

        Assert.Equal("device_restart_unsupported", (await _rig.RotationAsync(command.Sequence)).Reason);
        var (outcome, _) = await _rig.Rotations.StartAsync(RotationRig.DeviceId, TimeSpan.FromHours(1), "test", CancellationToken.None);
        Assert.Equal(RotationStart.Started, outcome);
    }
}
