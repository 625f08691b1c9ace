using System;

namespace M2M.Device.Core.Messaging
{
    /// <summary>
    /// The device outbox (docs/protocol.md section 6.4): signed messages waiting for their PUBACK, in
    /// collection order. A fixed-capacity ring: the slot arrays are allocated once in the constructor,
    /// so memory stays the same whatever the length of an outage; when it is full the oldest message
    /// is dropped and counted. A message leaves only when the gateway accepted it or refused it
    /// definitively (section 9.3; the session manager decides), or is dropped as above.
    /// After a reconnect everything not acknowledged is sent again, in order (<see cref="ResendAll"/>).
    /// Thread-safe: the application adds, the session manager sends and acknowledges.
    /// </summary>
    public sealed class Outbox
    {
        // Marks a slot whose message has not been handed to the transport in the current session.
        private const int NotSent = -1;

        private readonly object _sync = new object();
        private readonly SignedMessage?[] _messages;
        private readonly int[] _packetIds;
        private int _head;
        private int _count;
        private int _inflight;
        private long _dropped;

        /// <summary>Creates an outbox of <paramref name="capacity"/> preallocated slots.</summary>
        public Outbox(int capacity)
        {
            if (capacity <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(capacity));
            }

            _messages = new SignedMessage?[capacity];
            _packetIds = new int[capacity];
        }

        /// <summary>The fixed number of slots.</summary>
        public int Capacity
        {
            get { return _messages.Length; }
        }

        /// <summary>Messages held (sent or not) and not yet acknowledged.</summary>
        public int Count
        {
            get
            {
                lock (_sync)
                {
                    return _count;
                }
            }
        }

        /// <summary>Messages handed to the transport in this session and waiting for their PUBACK.</summary>
        public int InflightCount
        {
            get
            {
                lock (_sync)
                {
                    return _inflight;
                }
            }
        }

        /// <summary>Messages dropped, oldest first, because the outbox was full.</summary>
        public long Dropped
        {
            get
            {
                lock (_sync)
                {
                    return _dropped;
                }
            }
        }

        /// <summary>Appends a message; when the outbox is full the oldest one is dropped and counted.</summary>
        public void Add(SignedMessage message)
        {
            if (message == null)
            {
                throw new ArgumentNullException(nameof(message));
            }

            lock (_sync)
            {
                if (_count == _messages.Length)
                {
                    // A dropped message that was in flight may still be acknowledged; its packet id is
                    // then unknown here and the PUBACK is ignored.
                    RemoveAt(0);
                    _dropped++;
                }

                var slot = Slot(_count);
                _messages[slot] = message;
                _packetIds[slot] = NotSent;
                _count++;
            }
        }

        /// <summary>The oldest message not yet sent in this session, or null when all are in flight.</summary>
        public SignedMessage? NextToSend()
        {
            lock (_sync)
            {
                var index = FirstUnsent();
                return index < 0 ? null : _messages[Slot(index)];
            }
        }

        /// <summary>Records that <paramref name="message"/> was published with <paramref name="packetId"/>.</summary>
        public void MarkSent(SignedMessage message, ushort packetId)
        {
            lock (_sync)
            {
                for (var i = 0; i < _count; i++)
                {
                    var slot = Slot(i);
                    if (ReferenceEquals(_messages[slot], message))
                    {
                        if (_packetIds[slot] == NotSent)
                        {
                            _inflight++;
                        }

                        _packetIds[slot] = packetId;
                        return;
                    }
                }
            }
        }

        /// <summary>
        /// Removes the message published with <paramref name="packetId"/> because its PUBACK accepted it or
        /// refused it definitively (docs/protocol.md section 9.3). Returns the message, or null when no message
        /// is in flight under that id.
        /// </summary>
        public SignedMessage? Acknowledge(ushort packetId)
        {
            lock (_sync)
            {
                for (var i = 0; i < _count; i++)
                {
                    var slot = Slot(i);
                    if (_packetIds[slot] == packetId)
                    {
                        var message = _messages[slot];
                        RemoveAt(i);
                        return message;
                    }
                }

                return null;
            }
        }

        /// <summary>
        /// Removes the in-flight message with the largest payload and returns it, or null when none is in
        /// flight. Used when the gateway ends the session with 0x95 (Packet too large, docs/protocol.md
        /// section 9.4): that message would be refused again at every reconnect.
        /// </summary>
        public SignedMessage? RemoveLargestInflight()
        {
            lock (_sync)
            {
                var largest = -1;
                for (var i = 0; i < _count; i++)
                {
                    var slot = Slot(i);
                    if (_packetIds[slot] != NotSent && (largest < 0 || _messages[slot]!.Payload.Length > _messages[Slot(largest)]!.Payload.Length))
                    {
                        largest = i;
                    }
                }

                if (largest < 0)
                {
                    return null;
                }

                var message = _messages[Slot(largest)];
                RemoveAt(largest);
                return message;
            }
        }

        /// <summary>
        /// Forgets every packet id after the session ended, so the next session sends every message not
        /// acknowledged again, oldest first (section 6.4). A message whose PUBACK was lost is then a QoS 1
        /// redelivery the gateway acknowledges without relaying it twice (section 8 rule 2).
        /// </summary>
        public void ResendAll()
        {
            lock (_sync)
            {
                for (var i = 0; i < _count; i++)
                {
                    _packetIds[Slot(i)] = NotSent;
                }

                _inflight = 0;
            }
        }

        private int FirstUnsent()
        {
            for (var i = 0; i < _count; i++)
            {
                if (_packetIds[Slot(i)] == NotSent)
                {
                    return i;
                }
            }

            return -1;
        }

        // Removes the index-th oldest message and closes the gap, keeping the order of the others.
        private void RemoveAt(int index)
        {
            if (_packetIds[Slot(index)] != NotSent)
            {
                _inflight--;
            }

            for (var i = index; i > 0; i--)
            {
                _messages[Slot(i)] = _messages[Slot(i - 1)];
                _packetIds[Slot(i)] = _packetIds[Slot(i - 1)];
            }

            _messages[_head] = null;
            _packetIds[_head] = NotSent;
            _head = (_head + 1) % _messages.Length;
            _count--;
        }

        private int Slot(int index)
        {
            return (_head + index) % _messages.Length;
        }
    }
}
