namespace M2M.Gateway.Journal;

/// <summary>
/// The newest committed records, in memory, in position order: the write side adds each record
/// after its transaction has committed, and the relay takes them from here instead of reading
/// SQLite again. Bounded by a record count and by the payload bytes it holds (a payload is not
/// copied: the tail keeps the record the ingress built), the oldest leaving first.
/// </summary>
internal sealed class CommittedTail
{
    /// <summary>Most payload bytes held whatever the record count: 64 MiB.</summary>
    public const long MaxPayloadBytes = 64L * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly CommittedRecord[] _ring;
    private int _oldest;
    private int _count;
    private long _payloadBytes;

    public CommittedTail(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new CommittedRecord[capacity];
    }

    /// <summary>Adds a committed record; positions must increase.</summary>
    public void Add(long position, JournalRecord record)
    {
        lock (_lock)
        {
            while (_count > 0 && (_count == _ring.Length || _payloadBytes + record.Payload.Length > MaxPayloadBytes))
            {
                _payloadBytes -= _ring[_oldest].Record.Payload.Length;
                _ring[_oldest] = default;
                _oldest = (_oldest + 1) % _ring.Length;
                _count--;
            }

            _ring[(_oldest + _count) % _ring.Length] = new CommittedRecord(position, record);
            _count++;
            _payloadBytes += record.Payload.Length;
        }
    }

    /// <summary>
    /// Adds to <paramref name="destination"/> up to <paramref name="max"/> records after
    /// <paramref name="after"/>, oldest first, and returns true, when the tail holds every committed
    /// record after it; false (nothing added) when <paramref name="after"/> is older than the tail.
    /// </summary>
    public bool TryRead(long after, int max, List<CommittedRecord> destination)
    {
        lock (_lock)
        {
            if (_count == 0 || _ring[_oldest].Position > after + 1)
            {
                return false;
            }

            // Positions increase along the ring: the first one after 'after', by binary search.
            int low = 0, high = _count;
            while (low < high)
            {
                var middle = (low + high) >>> 1;
                if (_ring[(_oldest + middle) % _ring.Length].Position <= after)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            for (var i = low; i < _count && i - low < max; i++)
            {
                destination.Add(_ring[(_oldest + i) % _ring.Length]);
            }

            return true;
        }
    }
}
