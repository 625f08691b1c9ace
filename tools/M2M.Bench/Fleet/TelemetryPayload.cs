using System.Buffers.Binary;

namespace M2M.Bench.Fleet;

/// <summary>
/// The benchmark's telemetry payload, the same bytes to both servers: the Stopwatch timestamp the
/// message was due to be published (8 bytes, little endian), the run it belongs to (4 bytes), then a
/// fixed filler up to the payload size. Stopwatch reads CLOCK_MONOTONIC on Linux, one clock for every
/// process of the machine, so the observer in the driver compares it with its own reading.
/// </summary>
public static class TelemetryPayload
{
    /// <summary>Bytes of the header every payload starts with (timestamp and run).</summary>
    public const int HeaderBytes = 12;

    private static readonly byte[] Filler = [.. Enumerable.Range(0, 65536).Select(i => (byte)(i * 31 % 251))];

    public static byte[] Create(int size, long publishedAt, int run)
    {
        var payload = new byte[Math.Max(size, HeaderBytes)];
        BinaryPrimitives.WriteInt64LittleEndian(payload, publishedAt);
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(8), run);
        Filler.AsSpan(0, payload.Length - HeaderBytes).CopyTo(payload.AsSpan(HeaderBytes));
        return payload;
    }

    public static (long PublishedAt, int Run) Read(ReadOnlySpan<byte> header) =>
        (BinaryPrimitives.ReadInt64LittleEndian(header), BinaryPrimitives.ReadInt32LittleEndian(header[8..]));
}
