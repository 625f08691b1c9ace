using M2M.Device.Core.Crypto;
using M2M.Device.Core.Protocol;

namespace M2M.Device.Core.Messaging
{
    /// <summary>
    /// A telemetry PUBLISH signed when it was collected (docs/protocol.md section 6.3). Immutable, so a
    /// message waiting in the outbox keeps the very bytes its signature covers. Kept compact, because
    /// the outbox holds up to its capacity of them on a board with about 100 KB of managed heap: the
    /// payload, the fixed-size epoch, sequence, timestamp and 32-byte MAC, and references to the topic
    /// and content type, which the signer shares between all its messages. The five m2m-* user property
    /// strings of section 6.1 (base64url signature included) are rendered when the message is sent,
    /// and dropped right after (docs/architecture.md, "Device memory budget").
    /// </summary>
    public sealed class SignedMessage
    {
        // Section 6.1: each property exactly once, in this order (the order carries no meaning).
        private static readonly string[] PropertyNames = new string[]
        {
            ProtocolV1.VersionProperty,
            ProtocolV1.EpochProperty,
            ProtocolV1.SequenceProperty,
            ProtocolV1.TimestampProperty,
            ProtocolV1.SignatureProperty,
        };

        private readonly string _topic;
        private readonly string? _contentType;
        private readonly byte[] _payload;
        private readonly byte[] _mac;
        private readonly uint _epoch;
        private readonly uint _sequence;
        private readonly long _timestamp;

        internal SignedMessage(string topic, string? contentType, byte[] payload, uint epoch, uint sequence, long timestamp, byte[] mac)
        {
            _topic = topic;
            _contentType = contentType;
            _payload = payload;
            _epoch = epoch;
            _sequence = sequence;
            _timestamp = timestamp;
            _mac = mac;
        }

        /// <summary>The PUBLISH topic, devices/{id}/telemetry[/{stream}] (shared with the signer's other messages).</summary>
        public string Topic
        {
            get { return _topic; }
        }

        /// <summary>The MQTT 5 Content Type property, or null when absent (signed as empty).</summary>
        public string? ContentType
        {
            get { return _contentType; }
        }

        /// <summary>The payload exactly as signed and sent.</summary>
        public byte[] Payload
        {
            get { return _payload; }
        }

        /// <summary>The boot epoch (m2m-epoch).</summary>
        public uint Epoch
        {
            get { return _epoch; }
        }

        /// <summary>The sequence number within the epoch (m2m-seq).</summary>
        public uint Sequence
        {
            get { return _sequence; }
        }

        /// <summary>The device time at collection, Unix milliseconds, 0 when unknown (m2m-ts).</summary>
        public long Timestamp
        {
            get { return _timestamp; }
        }

        /// <summary>The user property names, in the order of <see cref="RenderUserPropertyValues"/>. Shared; do not modify.</summary>
        public string[] UserPropertyNames
        {
            get { return PropertyNames; }
        }

        /// <summary>The m2m-sig value: base64url of the HMAC-SHA256 under K_msg, rendered at each call.</summary>
        public string RenderSignature()
        {
            return Base64Url.Encode(_mac);
        }

        /// <summary>
        /// The user property values, in the order of <see cref="UserPropertyNames"/>, rendered at each
        /// call (for the PUBLISH being sent). Decimal ASCII without sign or leading zeros (section 6.1):
        /// uint/long ToString gives exactly that.
        /// </summary>
        public string[] RenderUserPropertyValues()
        {
            return new string[] { ProtocolV1.Version, _epoch.ToString(), _sequence.ToString(), _timestamp.ToString(), RenderSignature() };
        }
    }
}
