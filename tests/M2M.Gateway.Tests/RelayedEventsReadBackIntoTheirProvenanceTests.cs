using System.Text.Json;
using M2M.Gateway.Journal;
using M2M.Gateway.Relay;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// What sinks send besides the event's JSON (NATS subjects and headers, database columns, labels)
/// is read back from the event itself (<see cref="RelayRecord"/>): every provenance field equal to
/// what the journal held, every attribute string exactly as the event carries it, the payload's
/// exact bytes, and the stream named by the topic (docs/sinks.md, "Streams").
/// </summary>
public sealed class RelayedEventsReadBackIntoTheirProvenanceTests
{
    [Fact]
    public void EveryFieldOfABuiltEventReadsBackAsJournaled()
    {
        byte[] binary = [0, 1, 2, 0xFF, (byte)'"'];
        var records = new[]
        {
            new JournalRecord(7, "meter-0001", "acme", 3, "devices/meter-0001/telemetry/power", 4_000_000_000, 42, 1_700_000_000_123, 1_700_000_000_456, "application/json", "{\"w\":1}"u8.ToArray(), "sig-a"),
            new JournalRecord(8, "meter-0001", "acme", 3, "devices/meter-0001/telemetry", 4_000_000_000, 43, 0, 1_700_000_000_789, null, binary, "sig-b"),
            new JournalRecord(9, "meter-0001", "acme", 3, "tenants/acme/alerts", 1, 1, 5, 6, null, [], "sig-c"),
        };
        using var builder = new RecordBatchBuilder(new FixedRecordSigner(), TimeProvider.System);
        var events = builder.Build([.. records.Select(r => new CommittedRecord(r.Position, r))]).Events;

        var first = RelayRecord.Parse(events[0].Json.Span);
        Assert.Equal(("meter-0001/3/4000000000/42", "meter-0001", "acme", 3L, 4_000_000_000u, 42u), (first.Id, first.Device, first.Tenant, first.Generation, first.Epoch, first.Sequence));
        Assert.Equal((1_700_000_000_123L, 1_700_000_000_456L, 7L), (first.DeviceTime, first.GatewayTime, first.Position));
        Assert.Equal(("sig-a", FixedRecordSigner.Signature, 0L), (first.DeviceSignature, first.GatewaySignature, first.LeafIndex));
        Assert.Equal(("application/json", "power", "2023-11-14T22:13:20.456Z"), (first.ContentType, first.Stream, first.Time));
        Assert.Equal("{\"w\":1}"u8.ToArray(), first.Data);

        // Every attribute string, as the event carries it, in its order.
        using var json = JsonDocument.Parse(events[0].Json);
        Assert.Equal(
            json.RootElement.EnumerateObject().Where(p => p.Name != "data_base64").Select(p => (p.Name, p.Value.GetString())),
            first.Attributes.Select(a => (a.Key, (string?)a.Value)));

        var second = RelayRecord.Parse(events[1].Json.Span);
        Assert.Equal((null, "telemetry", 0L), (second.ContentType, second.Stream, second.DeviceTime));
        Assert.Equal(binary, second.Data);

        Assert.Equal("tenants/acme/alerts", RelayRecord.Parse(events[2].Json.Span).Stream);
        Assert.Throws<InvalidDataException>(() => RelayRecord.Parse("{\"id\":\"x\"}"u8));
        Assert.Throws<InvalidDataException>(() => RelayRecord.Parse("not json"u8));
    }
}
