using System.Buffers;

namespace M2M.Fuzz.Gateway;

/// <summary>Bytes as a <see cref="ReadOnlySequence{T}"/> of many segments, as a pipe holds what several socket reads delivered.</summary>
internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Of(ReadOnlyMemory<byte> bytes, int segmentLength)
    {
        if (bytes.Length <= segmentLength)
        {
            return new(bytes);
        }

        var first = new Segments(bytes[..segmentLength], 0);
        var last = first;
        for (var start = segmentLength; start < bytes.Length; start += segmentLength)
        {
            var next = new Segments(bytes.Slice(start, Math.Min(segmentLength, bytes.Length - start)), start);
            last.Next = next;
            last = next;
        }

        return new(first, 0, last, last.Memory.Length);
    }
}
