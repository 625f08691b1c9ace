using System;
using M2M.Device.Core.App;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Messaging;
using M2M.Device.Core.Protocol;
using M2M.Device.Core.Time;
using Xunit;
using Xunit.Abstractions;

namespace M2M.Device.Core.Tests.Host;

/// <summary>
/// A message waiting in the outbox holds its payload and fixed-size fields only (docs/architecture.md,
/// "Device memory budget"); its user property strings exist only while it is being sent. Measured on
/// the host build (64-bit CoreCLR: 16-byte object headers, 8-byte references, arrays 24 bytes + data),
/// so a change that makes queued messages or signing fatter fails here; the figures are printed. The
/// heap is the process's: the tests run alone (their collection is not parallelized with others).
/// </summary>
[Collection(MemoryMeasurement.Name)]
public sealed class AQueuedMessageStaysCompactTests(ITestOutputHelper output)
{
    private const int Messages = 4096;
    private const int PayloadBytes = 120;

    // The compact layout on 64-bit CoreCLR: the SignedMessage object (header 16, four references
    // 32, epoch and sequence 8, timestamp 8: 64) and its MAC array (24 + 32: 56). Topic and content
    // type are shared references, the payload is the caller's array.
    private const int QueuedBytesBound = 64 + 56;

    // GetTotalMemory also counts the GC's own bookkeeping for the memory the messages occupy, measured
    // here at 10 to 20 bytes per message; one more string per message (24 bytes at least) still
    // crosses the bound.
    private const int MeasurementSlack = 20;

    [Fact]
    public void AQueuedMessageHoldsOnlyItsPayloadAndFixedFields()
    {
        var (signer, outbox, payloads) = Rig();

        var before = LiveBytes();
        for (var i = 0; i < Messages; i++)
        {
            outbox.Add(signer.Sign(TelemetryPayload.ContentType, payloads[i]));
        }

        var retained = (LiveBytes() - before) / (double)Messages;
        GC.KeepAlive(outbox);

        output.WriteLine($"outbox: {retained:F1} bytes held per queued message besides its {PayloadBytes}-byte payload (64-bit host)");
        Assert.True(retained <= QueuedBytesBound + MeasurementSlack, $"{retained:F1} bytes held per queued message, bound {QueuedBytesBound} + {MeasurementSlack}");
    }

    [Fact]
    public void SigningAndSendingAMessageAllocatesWithinItsBudget()
    {
        var (signer, outbox, payloads) = Rig();
        var topicBytes = System.Text.Encoding.UTF8.GetByteCount(signer.Sign(TelemetryPayload.ContentType, payloads[0]).Topic);

        var start = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Messages; i++)
        {
            outbox.Add(signer.Sign(TelemetryPayload.ContentType, payloads[i]));
        }

        var signing = (GC.GetAllocatedBytesForCurrentThread() - start) / (double)Messages;

        start = GC.GetAllocatedBytesForCurrentThread();
        for (var message = outbox.NextToSend(); message != null; message = outbox.NextToSend())
        {
            var values = message.RenderUserPropertyValues();
            GC.KeepAlive(values);
            outbox.MarkSent(message, 1);
            outbox.Acknowledge(1);
        }

        var sending = (GC.GetAllocatedBytesForCurrentThread() - start) / (double)Messages;
        output.WriteLine($"sign + enqueue: {signing:F1} bytes allocated per message; render for sending: {sending:F1} bytes (64-bit host)");

        // Signing: the queued message itself, the encoding of section 6.2 (32 bytes of lengths, label,
        // id, topic, 16 bytes of numbers, content type, payload) in one array, the UTF-8 arrays of the
        // label, id, topic and content type it is built from, and the 32-byte MAC out of HMAC.
        var label = System.Text.Encoding.UTF8.GetByteCount(ProtocolV1.MessageSignatureLabel);
        var contentType = TelemetryPayload.ContentType.Length;
        var encoding = 32 + label + 11 + topicBytes + 16 + contentType + PayloadBytes;
        var signingBound = QueuedBytesBound + Array(encoding) + Array(label) + Array(11) + Array(topicBytes) + Array(contentType) + Array(32);

        // Sending: the five values (array 24 + 5 x 8) and the strings of the epoch "1", a sequence of up
        // to 4 digits here, a 13-digit timestamp and the 43-character signature, whose base64url
        // rendering also goes through the 44-character base64 string and a 43-character array.
        var sendingBound = 64 + Text(1) + Text(4) + Text(13) + Text(43) + Text(44) + Array(2 * 43);

        Assert.True(signing <= signingBound, $"signing allocates {signing:F1} bytes per message, bound {signingBound}");
        Assert.True(sending <= sendingBound, $"sending allocates {sending:F1} bytes per message, bound {sendingBound}");
    }

    // A full, compacting collection: without compaction the free gaps the transient arrays leave
    // between the queued messages would count as held.
    private static long LiveBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    // A byte array of `length` bytes, a string of `length` characters, each rounded up to 8 bytes.
    private static int Array(int length) => 24 + ((length + 7) & ~7);

    private static int Text(int length) => (22 + (2 * length) + 7) & ~7;

    private static (MessageSigner Signer, Outbox Outbox, byte[][] Payloads) Rig()
    {
        var clock = new DeviceClock(new HostClock());
        clock.Correct(1_767_225_600_000);
        var signer = new MessageSigner("sensor-0001", new byte[32], new HostHmacSha256(), clock, 1);
        var outbox = new Outbox(Messages);
        var payloads = new byte[Messages][];
        for (var i = 0; i < Messages; i++)
        {
            payloads[i] = new byte[PayloadBytes];
        }

        // JIT, static constructors and the signer's first-use caches before anything is counted.
        var warmUp = signer.Sign(TelemetryPayload.ContentType, payloads[0]);
        GC.KeepAlive(warmUp.RenderUserPropertyValues());
        return (signer, outbox, payloads);
    }
}

/// <summary>Tests that read process-wide heap figures: xUnit runs this collection with no other test alongside.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurement
{
    public const string Name = "memory measurement";
}
