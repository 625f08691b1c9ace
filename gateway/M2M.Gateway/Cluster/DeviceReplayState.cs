using System.Buffers.Binary;
using System.Buffers.Text;
using M2M.Gateway.Journal;

namespace M2M.Gateway.Cluster;

/// <summary>
/// A device's replay state in Cluster mode (docs/ingress.md, "Cluster mode"): the replay window of
/// each of its credential generations (docs/protocol.md section 8) folded from every record of the
/// device's journal subject up to stream sequence <see cref="LastSubjectSeq"/>, and nothing after
/// it. It is what a KV checkpoint holds and what a node judges a device's messages against.
/// Not thread-safe: its owner serializes access.
/// </summary>
public sealed class DeviceReplayState(int capacity)
{
    // Value layout, big-endian: format (1 byte, 1), lastSubjectSeq (8), generation count (2), then
    // per generation: generation (8), window length (4), the window's persisted bytes
    // (ReplayWindow.ToBytes: 16 bytes per entry, oldest first).
    private const byte Format = 1;

    private readonly SortedDictionary<long, ReplayWindow> _windows = [];

    /// <summary>The stream sequence of the newest record folded in (0: none).</summary>
    public ulong LastSubjectSeq { get; private set; }

    /// <summary>The window of <paramref name="generation"/>, created empty when it has none.</summary>
    public ReplayWindow Window(long generation)
    {
        if (!_windows.TryGetValue(generation, out var window))
        {
            window = new ReplayWindow(capacity);
            _windows[generation] = window;
        }

        return window;
    }

    /// <summary>
    /// Folds the record stored at stream sequence <paramref name="position"/> in; records at or
    /// before <see cref="LastSubjectSeq"/> are already in and change nothing. Returns whether it moved.
    /// </summary>
    public bool Fold(ulong position, JournalRecord? record)
    {
        if (position <= LastSubjectSeq)
        {
            return false;
        }

        // A message on the subject that is not a journal record (null) moves the sequence only.
        if (record != null)
        {
            var signature = Base64Url.DecodeFromChars(record.Signature);
            var window = Window(record.CredentialGeneration);
            if (window.Check(record.Epoch, record.Sequence, signature) == ReplayVerdict.New)
            {
                window.Accept(record.Epoch, record.Sequence, signature);
            }
        }

        LastSubjectSeq = position;
        return true;
    }

    /// <summary>Records an append this node made at <paramref name="position"/> (its verdict was New).</summary>
    public void Appended(ulong position, JournalRecord record, ReadOnlySpan<byte> signature)
    {
        Window(record.CredentialGeneration).Accept(record.Epoch, record.Sequence, signature);
        LastSubjectSeq = position;
    }

    /// <summary>The mark of the newest generation that has accepted a message, or null.</summary>
    public ReplayMark? Mark()
    {
        foreach (var (generation, window) in _windows.Reverse())
        {
            if (window.Count > 0)
            {
                return new ReplayMark(generation, window.LastEpoch, window.LastSequence);
            }
        }

        return null;
    }

    /// <summary>The checkpoint's value.</summary>
    public byte[] ToBytes()
    {
        var windows = _windows.Where(w => w.Value.Count > 0).Select(w => (w.Key, Bytes: w.Value.ToBytes())).ToList();
        var value = new byte[1 + 8 + 2 + windows.Sum(w => 8 + 4 + w.Bytes.Length)];
        value[0] = Format;
        BinaryPrimitives.WriteUInt64BigEndian(value.AsSpan(1), LastSubjectSeq);
        BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(9), (ushort)windows.Count);
        var at = 11;
        foreach (var (generation, bytes) in windows)
        {
            BinaryPrimitives.WriteInt64BigEndian(value.AsSpan(at), generation);
            BinaryPrimitives.WriteUInt32BigEndian(value.AsSpan(at + 8), (uint)bytes.Length);
            bytes.CopyTo(value.AsSpan(at + 12));
            at += 12 + bytes.Length;
        }

        return value;
    }

    /// <summary>A state read back from a checkpoint's value (an empty or missing value is the empty state).</summary>
    /// <exception cref="FormatException">The value is not a checkpoint this gateway can read.</exception>
    public static DeviceReplayState FromBytes(ReadOnlySpan<byte> value, int capacity)
    {
        var state = new DeviceReplayState(capacity);
        if (value.IsEmpty)
        {
            return state;
        }

        if (value[0] != Format || value.Length < 11)
        {
            throw new FormatException($"Replay checkpoint format {value[0]} is not one this gateway reads (it writes {Format}): a newer gateway wrote it.");
        }

        state.LastSubjectSeq = BinaryPrimitives.ReadUInt64BigEndian(value[1..]);
        var count = BinaryPrimitives.ReadUInt16BigEndian(value[9..]);
        var at = 11;
        for (var i = 0; i < count; i++)
        {
            var generation = BinaryPrimitives.ReadInt64BigEndian(value[at..]);
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(value[(at + 8)..]);
            state._windows[generation] = ReplayWindow.FromBytes(value.Slice(at + 12, length), capacity);
            at += 12 + length;
        }

        return state;
    }
}
