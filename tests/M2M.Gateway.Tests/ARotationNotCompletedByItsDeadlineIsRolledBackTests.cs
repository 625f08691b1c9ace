using M2M.Gateway.Rotation;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// The deadline of an over-the-air rotation, on the gateway's injected clock (docs/protocol.md section
/// 12.6 step 4): a rotation the device has not answered, or whose S' it has not used, is rolled back at
/// its deadline and not a moment before; S stays current, S' is refused from then on, and a periodic
/// schedule starts the next one an interval later.
/// </summary>
public sealed class ARotationNotCompletedByItsDeadlineIsRolledBackTests : IDisposable
{
    private readonly RotationRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task AProvedSecretNotUsedByTheDeadlineIsRefusedAndSStays()
    {
        var command = await _rig.StartAsync(TimeSpan.FromMinutes(10));
        var (detail, newSecret) = _rig.DeviceAnswers(command, _rig.Secret);
        await _rig.AnswerAsync(command, "ok", detail);
        Assert.Equal(RotationState.Proved, (await _rig.RotationAsync(command.Sequence)).State);

        _rig.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        await _rig.Rotations.CheckDeadlinesAsync(CancellationToken.None);
        Assert.Equal(RotationState.Proved, (await _rig.RotationAsync(command.Sequence)).State);
        Assert.True(await _rig.AcceptsAsync(newSecret, promote: false));

        _rig.Time.Advance(TimeSpan.FromSeconds(1));
        await _rig.Rotations.CheckDeadlinesAsync(CancellationToken.None);

        var rotation = await _rig.RotationAsync(command.Sequence);
        Assert.Equal(RotationState.RolledBack, rotation.State);
        Assert.Equal("not_used", rotation.Reason);
        Assert.False(await _rig.AcceptsAsync(newSecret));
        Assert.True(await _rig.AcceptsAsync(_rig.Secret));
        Assert.Equal(1, (await _rig.Registry.FindAsync(RotationRig.DeviceId, CancellationToken.None))!.CredentialGeneration);
        Assert.Contains(_rig.Audit.Events, e => e.Action == "rotation.rolled_back" && e.Outcome == "not_used");
    }

    [Fact]
    public async Task AnUnansweredRotationIsRolledBackAndTheScheduleTriesAgainAnIntervalLater()
    {
        await _rig.Store.SetScheduleAsync(RotationRig.DeviceId, 3600, CancellationToken.None);
        _rig.Time.Advance(TimeSpan.FromHours(1));
        await _rig.Rotations.StartDueAsync(TimeSpan.FromMinutes(5), CancellationToken.None);
        var first = Assert.Single(await _rig.Store.ListAsync(RotationRig.DeviceId, 10, CancellationToken.None));
        Assert.Equal(RotationService.ScheduleActor, first.Actor);

        _rig.Time.Advance(TimeSpan.FromMinutes(5));
        await _rig.Rotations.CheckDeadlinesAsync(CancellationToken.None);
        await _rig.Rotations.StartDueAsync(TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.Equal("no_answer", (await _rig.RotationAsync(first.Sequence)).Reason);
        Assert.Single(await _rig.Store.ListAsync(RotationRig.DeviceId, 10, CancellationToken.None));

        _rig.Time.Advance(TimeSpan.FromMinutes(55));
        await _rig.Rotations.StartDueAsync(TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.Equal(2, (await _rig.Store.ListAsync(RotationRig.DeviceId, 10, CancellationToken.None)).Count);
    }
}
