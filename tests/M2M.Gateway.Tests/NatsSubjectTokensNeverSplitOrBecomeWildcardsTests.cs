using M2M.Gateway.Journal;
using M2M.Gateway.Relay;
using M2M.Gateway.Relay.Nats;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// A record's NATS subject (docs/sinks.md, "NATS JetStream"): tenant, device and stream are one
/// token each; device ids and stream names pass unchanged, and any character a subject token may not
/// hold ('.', '*', '>', whitespace) or that could be mistaken for an escape ('%') is written %XX.
/// </summary>
public sealed class NatsSubjectTokensNeverSplitOrBecomeWildcardsTests
{
    [Theory]
    [InlineData("acme", "devices/meter-0001/telemetry/power_1", "m2m.telemetry.acme.meter-0001.power_1")]
    [InlineData("acme", "devices/meter-0001/telemetry", "m2m.telemetry.acme.meter-0001.telemetry")]
    [InlineData("acme.eu", "tenants/acme/alerts", "m2m.telemetry.acme%2Eeu.meter-0001.tenants%2Facme%2Falerts")]
    [InlineData("a b*>%", "devices/meter-0001/telemetry/x", "m2m.telemetry.a%20b%2A%3E%25.meter-0001.x")]
    [InlineData("ünï", "devices/meter-0001/telemetry/x", "m2m.telemetry.%C3%BCn%C3%AF.meter-0001.x")]
    public void TheSubjectHasExactlyTheExpectedTokens(string tenant, string topic, string subject)
    {
        var record = new JournalRecord(1, "meter-0001", tenant, 1, topic, 1, 1, 0, 1, null, [], "sig");
        using var builder = new RecordBatchBuilder(new FixedRecordSigner(), TimeProvider.System);
        var parsed = RelayRecord.Parse(builder.Build([new CommittedRecord(1, record)]).Events[0].Json.Span);
        Assert.Equal(subject, NatsSubject.For("m2m.telemetry", parsed));
        Assert.Equal(5, subject.Split('.').Length);
    }

    [Theory]
    [InlineData("m2m.telemetry", true)]
    [InlineData("plant", true)]
    [InlineData("m2m.*", false)]
    [InlineData("m2m.>", false)]
    [InlineData("m2m..x", false)]
    [InlineData("m2m telemetry", false)]
    [InlineData("", false)]
    public void OnlyLiteralTokensMakeAPrefix(string prefix, bool valid) => Assert.Equal(valid, NatsSubject.IsValidPrefix(prefix));
}
