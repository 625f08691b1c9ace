using System.Buffers.Binary;

namespace M2M.Gateway.Journal;

/// <summary>What the replay rules of docs/protocol.md section 8 say about a verified message.</summary>
public enum ReplayVerdict
{
    /// <summary>Rule 1: after every message accepted so far.</summary>
    New,

    /// <summary>Rule 2: one of the last accepted messages again, same signature: a QoS 1 resend.</summary>
    Duplicate,

    /// <summary>Rule 3: older, reordered, or the same numbers with other content.</summary>
    Replayed,
}

/// <summary>
/// The replay state of one device and credential generation (docs/protocol.md section 8): the last
/// <see cref="Capacity"/> accepted messages as (epoch, sequence, signature prefix), newest last. The
/// newest is the high-water mark; the others let a resend of any message still in the device's
/// in-flight window be recognised, since a device may have up to the announced Receive Maximum QoS 1
/// messages unacknowledged when a connection drops (MQTT 5 section 4.9). Only the journal's writer
/// touches it, so it needs no lock.
/// </summary>
public sealed class ReplayWindow
{
    // Eight bytes of the HMAC are enough to tell a resend from other content: the signature has
    // already been verified, so two different messages with the same (epoch, sequence) that agree on
    // 64 bits of their MACs cannot be made without K_msg.
    private const int PrefixBytes = sizeof(ulong);

    // Bytes per entry in the persisted form: epoch, sequence, signature prefix, big-endian.
    private const int EntryBytes = sizeof(uint) + sizeof(uint) + PrefixBytes;

    private uint[] _epochs = [];
    private uint[] _sequences = [];
    private ulong[] _prefixes = [];
    private int _start;

    /// <summary>An empty window of at most <paramref name="capacity"/> entries.</summary>
    public ReplayWindow(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>How many accepted messages are remembered.</summary>
    public int Capacity { get; private set; }

    /// <summary>Entries held, at most <see cref="Capacity"/>.</summary>
    public int Count { get; private set; }

    /// <summary>Epoch of the newest accepted message (0 before the first).</summary>
    public uint LastEpoch => Count == 0 ? 0 : _epochs[Index(Count - 1)];

    /// <summary>Sequence of the newest accepted message (0 before the first).</summary>
    public uint LastSequence => Count == 0 ? 0 : _sequences[Index(Count - 1)];

    /// <summary>Writer's bookkeeping: the batch that last changed this window (persisted once per batch).</summary>
    internal long Batch { get; set; }

    /// <summary>Writer's bookkeeping: this window's place in the batch's list of changed windows.</summary>
    internal int BatchIndex { get; set; }

    /// <summary>Judges a verified message against the window.</summary>
    public ReplayVerdict Check(uint epoch, uint sequence, ReadOnlySpan<byte> signature)
    {
        if (Compare(epoch, sequence, LastEpoch, LastSequence) > 0)
        {
            return ReplayVerdict.New;
        }

        var prefix = Prefix(signature);
        for (var i = Count - 1; i >= 0; i--)
        {
            var index = Index(i);
            if (_epochs[index] == epoch && _sequences[index] == sequence)
            {
                return _prefixes[index] == prefix ? ReplayVerdict.Duplicate : ReplayVerdict.Replayed;
            }
        }

        return ReplayVerdict.Replayed;
    }

    /// <summary>Records an accepted message (it must be <see cref="ReplayVerdict.New"/>); returns what <see cref="Undo"/> needs.</summary>
    public WindowChange Accept(uint epoch, uint sequence, ReadOnlySpan<byte> signature)
    {
        var change = new WindowChange(this, _start, Count, Count == Capacity ? _epochs[_start] : 0, Count == Capacity ? _sequences[_start] : 0, Count == Capacity ? _prefixes[_start] : 0);
        if (Count < Capacity)
        {
            Grow(Count + 1);
            var index = Index(Count);
            Set(index, epoch, sequence, Prefix(signature));
            Count++;
        }
        else
        {
            Set(_start, epoch, sequence, Prefix(signature));
            _start = (_start + 1) % Capacity;
        }

        return change;
    }

    /// <summary>Takes back an <see cref="Accept"/> whose transaction did not commit; changes are undone newest first.</summary>
    public static void Undo(in WindowChange change)
    {
        var window = change.Window;
        if (change.Count == window.Capacity)
        {
            // The oldest entry was overwritten in place: put it back.
            window.Set(change.Start, change.OverwrittenEpoch, change.OverwrittenSequence, change.OverwrittenPrefix);
        }

        window._start = change.Start;
        window.Count = change.Count;
    }

    /// <summary>The entries, oldest first, in the persisted form (12 + 4 bytes each, big-endian).</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Count * EntryBytes];
        for (var i = 0; i < Count; i++)
        {
            var index = Index(i);
            var entry = bytes.AsSpan(i * EntryBytes, EntryBytes);
            BinaryPrimitives.WriteUInt32BigEndian(entry, _epochs[index]);
            BinaryPrimitives.WriteUInt32BigEndian(entry[sizeof(uint)..], _sequences[index]);
            BinaryPrimitives.WriteUInt64BigEndian(entry[(2 * sizeof(uint))..], _prefixes[index]);
        }

        return bytes;
    }

    /// <summary>
    /// A window read back from its persisted form. The newest entries are kept when the capacity is
    /// smaller than what was stored (the Receive Maximum was lowered); trailing bytes that do not
    /// form an entry are ignored.
    /// </summary>
    public static ReplayWindow FromBytes(ReadOnlySpan<byte> bytes, int capacity)
    {
        var window = new ReplayWindow(capacity);
        var stored = bytes.Length / EntryBytes;
        for (var i = Math.Max(0, stored - capacity); i < stored; i++)
        {
            var entry = bytes.Slice(i * EntryBytes, EntryBytes);
            window.Grow(window.Count + 1);
            window.Set(window.Count, BinaryPrimitives.ReadUInt32BigEndian(entry), BinaryPrimitives.ReadUInt32BigEndian(entry[sizeof(uint)..]),
                BinaryPrimitives.ReadUInt64BigEndian(entry[(2 * sizeof(uint))..]));
            window.Count++;
        }

        return window;
    }

    /// <summary>A window holding only the high-water mark, for marks written before windows existed.</summary>
    public static ReplayWindow FromMark(uint epoch, uint sequence, ReadOnlySpan<byte> signature, int capacity)
    {
        var window = new ReplayWindow(capacity);
        window.Accept(epoch, sequence, signature);
        return window;
    }

    /// <summary>Lexicographic (epoch, sequence) order, section 8.</summary>
    public static int Compare(uint epoch, uint sequence, uint otherEpoch, uint otherSequence) =>
        epoch != otherEpoch ? epoch.CompareTo(otherEpoch) : sequence.CompareTo(otherSequence);

    private static ulong Prefix(ReadOnlySpan<byte> signature) =>
        signature.Length >= PrefixBytes ? BinaryPrimitives.ReadUInt64BigEndian(signature) : 0;

    // The arrays are at most Capacity long, and the ring only wraps once they are full.
    private int Index(int i) => (_start + i) % _epochs.Length;

    private void Set(int index, uint epoch, uint sequence, ulong prefix)
    {
        _epochs[index] = epoch;
        _sequences[index] = sequence;
        _prefixes[index] = prefix;
    }

    // Most devices keep one or two messages in flight: the arrays grow on demand up to Capacity, so a
    // quiet device costs a few bytes, not Capacity entries. Growing only happens while the window is
    // not yet full, so the ring has not wrapped (_start is 0).
    private void Grow(int needed)
    {
        if (_epochs.Length >= needed)
        {
            return;
        }

        var size = Math.Min(Capacity, Math.Max(needed, _epochs.Length * 2));
        Array.Resize(ref _epochs, size);
        Array.Resize(ref _sequences, size);
        Array.Resize(ref _prefixes, size);
    }
}

/// <summary>One <see cref="ReplayWindow.Accept"/>, as <see cref="ReplayWindow.Undo"/> takes it back.</summary>
public readonly record struct WindowChange(ReplayWindow Window, int Start, int Count, uint OverwrittenEpoch, uint OverwrittenSequence, ulong OverwrittenPrefix);
