using System;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Protocol;
using M2M.Device.Core.Time;

namespace M2M.Device.Core.Messaging
{
    /// <summary>
    /// Signs telemetry when it is collected (docs/protocol.md section 6.3): numbers the message with
    /// the boot epoch and the next sequence number (section 6.1, first sequence 1), stamps the device
    /// time (0 while the clock is not set), and signs the encoding of section 6.2 with K_msg.
    /// Thread-safe: the application may collect from any thread.
    /// </summary>
    public sealed class MessageSigner
    {
        private const int MaxStreamLength = 32;

        private readonly object _sync = new object();
        private readonly string _deviceId;
        private readonly byte[] _messageKey;
        private readonly IHmacSha256 _hmac;
        private readonly DeviceClock _clock;
        private readonly uint _epoch;

        // Built once: every telemetry message of this signer shares it instead of holding its own copy.
        private readonly string _telemetryTopic;
        private uint _lastSequence;

        /// <summary>
        /// Creates the signer of one boot epoch. <paramref name="epoch"/> is the counter the credential
        /// store persisted and incremented at this boot, before the first publish (section 6.1).
        /// </summary>
        public MessageSigner(string deviceId, byte[] messageKey, IHmacSha256 hmac, DeviceClock clock, uint epoch)
        {
            if (deviceId == null)
            {
                throw new ArgumentNullException(nameof(deviceId));
            }

            if (messageKey == null)
            {
                throw new ArgumentNullException(nameof(messageKey));
            }

            if (hmac == null)
            {
                throw new ArgumentNullException(nameof(hmac));
            }

            if (clock == null)
            {
                throw new ArgumentNullException(nameof(clock));
            }

            if (epoch == 0)
            {
                // Section 6.1: epochs start at 1; (0, 0) is the gateway's initial high-water mark (section 8).
                throw new ArgumentOutOfRangeException(nameof(epoch));
            }

            _deviceId = deviceId;
            _messageKey = messageKey;
            _hmac = hmac;
            _clock = clock;
            _epoch = epoch;
            _telemetryTopic = ProtocolV1.TelemetryTopic(deviceId);
        }

        /// <summary>The boot epoch every message of this signer carries.</summary>
        public uint Epoch
        {
            get { return _epoch; }
        }

        /// <summary>The sequence number of the last message signed (0 before the first).</summary>
        public uint LastSequence
        {
            get { return _lastSequence; }
        }

        /// <summary>Signs a message for devices/{id}/telemetry.</summary>
        public SignedMessage Sign(string? contentType, byte[] payload)
        {
            return SignTopic(_telemetryTopic, contentType, payload);
        }

        /// <summary>Signs a message for devices/{id}/telemetry/{stream}; the stream is 1 to 32 of a-z 0-9 - _ (section 5.2).</summary>
        public SignedMessage Sign(string stream, string? contentType, byte[] payload)
        {
            if (!IsValidStream(stream))
            {
                throw new ArgumentException("A stream is 1 to 32 of a-z 0-9 - _.", nameof(stream));
            }

            return SignTopic(ProtocolV1.TelemetryTopic(_deviceId, stream), contentType, payload);
        }

        /// <summary>
        /// Signs one message with explicit numbers and time. The signer's own methods use it; tests use
        /// it for the vectors of section 10.
        /// </summary>
        public static SignedMessage Create(string deviceId, string topic, uint epoch, uint sequence, long timestamp, string? contentType, byte[] payload, byte[] messageKey, IHmacSha256 hmac)
        {
            // An empty content type is signed exactly like an absent one (section 6.2 field 7), so it is sent as absent.
            var normalizedContentType = contentType == null || contentType.Length == 0 ? null : contentType;
            var encoded = SignedMessageEncoding.Encode(deviceId, topic, epoch, sequence, timestamp, normalizedContentType, payload);
            var mac = hmac.Compute(messageKey, encoded);
            return new SignedMessage(topic, normalizedContentType, payload, epoch, sequence, timestamp, mac);
        }

        private SignedMessage SignTopic(string topic, string? contentType, byte[] payload)
        {
            if (payload == null)
            {
                throw new ArgumentNullException(nameof(payload));
            }

            uint sequence;
            long timestamp;
            lock (_sync)
            {
                if (_lastSequence == uint.MaxValue)
                {
                    // Section 6.1: the sequence is an unsigned 32-bit number; wrapping would replay (section 8).
                    // A new epoch needs a reboot, which persists the next epoch first.
                    throw new InvalidOperationException("The sequence numbers of this boot epoch are exhausted.");
                }

                _lastSequence++;
                sequence = _lastSequence;
                timestamp = _clock.IsSynchronized ? _clock.UnixTimeMilliseconds : 0;
            }

            return Create(_deviceId, topic, _epoch, sequence, timestamp, contentType, payload, _messageKey, _hmac);
        }

        private static bool IsValidStream(string stream)
        {
            if (stream == null || stream.Length == 0 || stream.Length > MaxStreamLength)
            {
                return false;
            }

            for (var i = 0; i < stream.Length; i++)
            {
                var c = stream[i];
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
