using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// The deadline of an over-the-air rotation on the gateway's injected clock (docs/protocol.md section
/// 12.6 step 4): a rotation whose S' the device has not used by its deadline is rolled back then and not
/// a moment before; afterwards the old S is still accepted at the token endpoint, S' is refused, and the
/// admin API shows the rotation rolled back with its reason.
/// </summary>
public sealed class ARotationNotCompletedByItsDeadlineIsRolledBackTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);
    private RotationGateway _rig = null!;

    public async Task InitializeAsync() => _rig = await RotationGateway.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task AProvedSecretNotUsedByTheDeadlineIsRolledBackAndOnlyTheOldSecretIsAccepted()
    {
        var sequence = await _rig.StartRotationAsync(Timeout);
        var (result, _, newSecret) = await _rig.DeviceAnswersAsync(sequence, _rig.Secret);
        Assert.Equal(CommandResultOutcome.Recorded, await _rig.ReceiveAsync(result));
        Assert.Equal("proved", (await _rig.RotationAsync(sequence)).GetProperty("state").GetString());

        await _rig.AdvanceAndCheckDeadlinesAsync(Timeout - TimeSpan.FromSeconds(1));
        Assert.Equal("proved", (await _rig.RotationAsync(sequence)).GetProperty("state").GetString());

        await _rig.AdvanceAndCheckDeadlinesAsync(TimeSpan.FromSeconds(1));
        var rotation = await _rig.RotationAsync(sequence);
        Assert.Equal("rolled_back", rotation.GetProperty("state").GetString());
        Assert.Equal("not_used", rotation.GetProperty("reason").GetString());
        Assert.True(rotation.GetProperty("finished").GetBoolean());
        Assert.Equal("invalid_client", await _rig.TokenErrorAsync(newSecret));
        Assert.Null(await _rig.TokenErrorAsync(_rig.Secret));
        Assert.Equal(1, await _rig.GenerationAsync());
        Assert.Contains(_rig.Gateway.Audit.Events, e => e.Action == "rotation.rolled_back" && e.Outcome == "not_used");
    }

    [Fact]
    public async Task AnUnansweredRotationIsRolledBackAndAnAnswerArrivingAfterwardsChangesNothing()
    {
        var sequence = await _rig.StartRotationAsync(Timeout);
        var (result, _, newSecret) = await _rig.DeviceAnswersAsync(sequence, _rig.Secret);

        await _rig.AdvanceAndCheckDeadlinesAsync(Timeout);
        var rotation = await _rig.RotationAsync(sequence);
        Assert.Equal("rolled_back", rotation.GetProperty("state").GetString());
        Assert.Equal("no_answer", rotation.GetProperty("reason").GetString());

        // The device's answer, late (it was offline): recorded as the command's, but no S' comes of it.
        await _rig.ReceiveAsync(result);
        Assert.Equal("rolled_back", (await _rig.RotationAsync(sequence)).GetProperty("state").GetString());
        Assert.Equal("invalid_client", await _rig.TokenErrorAsync(newSecret));
        Assert.Null(await _rig.TokenErrorAsync(_rig.Secret));
        Assert.Equal(1, await _rig.GenerationAsync());
    }
}
