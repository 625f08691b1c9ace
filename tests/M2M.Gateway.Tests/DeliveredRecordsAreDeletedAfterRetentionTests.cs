using M2M.Gateway.Journal;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using M2M.Testing;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;

namespace M2M.Gateway.Tests;

/// <summary>
/// docs/ingress.md ("Journal"): a record every sink has delivered is kept for
/// <c>Gateway:Journal:Retention</c> and deleted by the first retention run after that
/// (<c>RetentionInterval</c>), oldest first in steps, up to the first record still within Retention.
/// The gateway's clock is the test's; a retention run is known to have finished when it arms its next
/// wait on that clock.
/// </summary>
public sealed class DeliveredRecordsAreDeletedAfterRetentionTests
{
    private static readonly TimeSpan Retention = TimeSpan.FromHours(1);

    // Unlike any other wait of the gateway, so the clock can tell the retention loop's apart.
    private static readonly TimeSpan RetentionInterval = TimeSpan.FromSeconds(67);

    [Fact]
    public async Task ADeliveredRecordIsKeptForTheRetentionThenDeleted()
    {
        var time = new RetentionClock(RetentionInterval);
        await using var gateway = await StartAsync(time);
        await using var device = await gateway.ConnectAsync("sensor-1", time.GetUtcNow(), TimeSpan.FromDays(1));
        var journal = gateway.Service<TelemetryJournal>();
        Assert.Equal(MqttClientPublishReasonCode.Success, (await device.PublishAsync(device.Telemetry(1, 1, "{}"u8.ToArray()))).ReasonCode);
        await Eventually.ValueAsync(gateway.MetricsAsync, m => m.Value("m2m_relay_lag", "sink", "file") == 0 && m.Value("m2m_journal_position") == 1, "the file sink to deliver the record");

        // A retention run while the delivered record is younger than Retention keeps it.
        await RunRetentionAsync(time, RetentionInterval);
        Assert.Equal([1u], journal.ReadAfter(0, 10).Select(r => r.Sequence));

        // The run once Retention has passed deletes it.
        time.Advance(Retention);
        await Eventually.TrueAsync(() => journal.ReadAfter(0, 10).Count == 0, "the delivered record to be deleted");
    }

    [Fact]
    public async Task ARunDeletesEveryRecordPastTheRetentionInStepsAndKeepsTheYoungerOnes()
    {
        var time = new RetentionClock(RetentionInterval);
        await using var gateway = await StartAsync(time);
        await using var device = await gateway.ConnectAsync("sensor-1", time.GetUtcNow(), TimeSpan.FromDays(1));
        var journal = gateway.Service<TelemetryJournal>();

        // More old records than one of retention's DELETE statements takes (500), then younger ones.
        const int Old = 1201;
        for (var seq = 1u; seq <= Old; seq++)
        {
            Assert.Equal(MqttClientPublishReasonCode.Success, (await device.PublishAsync(device.Telemetry(1, seq, "{}"u8.ToArray()))).ReasonCode);
        }

        time.Advance(Retention / 2);
        for (var seq = Old + 1u; seq <= Old + 3; seq++)
        {
            Assert.Equal(MqttClientPublishReasonCode.Success, (await device.PublishAsync(device.Telemetry(1, seq, "{}"u8.ToArray()))).ReasonCode);
        }

        await Eventually.ValueAsync(gateway.MetricsAsync, m => m.Value("m2m_relay_lag", "sink", "file") == 0 && m.Value("m2m_journal_position") == Old + 3, "the file sink to deliver every record");

        // One run, when the old records are past Retention and the younger ones are not.
        await RunRetentionAsync(time, (Retention / 2) + TimeSpan.FromSeconds(1));

        Assert.Equal([Old + 1u, Old + 2u, Old + 3u], journal.ReadAfter(0, 2 * Old).Select(r => r.Sequence));
    }

    /// <summary>A gateway with device sensor-1, on <paramref name="time"/>, with this class's retention settings.</summary>
    private static Task<InProcessGateway> StartAsync(RetentionClock time) => InProcessGateway.StartAsync(TestWorld.Create(("sensor-1", "acme")), time,
        "--Gateway:Journal:Retention", Retention.ToString(), "--Gateway:Journal:RetentionInterval", RetentionInterval.ToString());

    /// <summary>
    /// Once the retention loop waits on the clock (a run an earlier advance started may still be
    /// going: its count of waits would then change without this advance starting a run), moves the
    /// clock by <paramref name="advance"/> and waits until the retention run it started is over.
    /// </summary>
    private static async Task RunRetentionAsync(RetentionClock time, TimeSpan advance)
    {
        await Eventually.TrueAsync(() => time.Waiting, "the retention loop to wait on the clock");
        var armed = time.Armed;
        time.Advance(advance);
        await Eventually.TrueAsync(() => time.Armed > armed, "the retention run to finish and wait again");
    }

    /// <summary>
    /// A fake clock that counts the waits of one length armed on it (the retention loop's) and knows
    /// whether the last one is still pending.
    /// </summary>
    private sealed class RetentionClock(TimeSpan watched) : FakeTimeProvider(TestClock.Start)
    {
        private int _armed;
        private int _waiting;

        public int Armed => Volatile.Read(ref _armed);

        /// <summary>True while the last wait armed has not fired: the loop is between runs.</summary>
        public bool Waiting => Volatile.Read(ref _waiting) == 1;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime == watched)
            {
                Volatile.Write(ref _waiting, 1);
                Interlocked.Increment(ref _armed);
                var fire = callback;
                callback = s =>
                {
                    Volatile.Write(ref _waiting, 0);
                    fire(s);
                };
            }

            return base.CreateTimer(callback, state, dueTime, period);
        }
    }
}
