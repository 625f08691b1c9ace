using M2M.Device.Core.Protocol;

namespace M2M.Device.Core.Messaging
{
    /// <summary>
    /// A telemetry PUBLISH signed when it was collected (docs/protocol.md section 6.3): topic, content
    /// type, the exact payload bytes and the five m2m-* user properties of section 6.1. Immutable, so a
    /// message waiting in the outbox keeps the very bytes its signature covers.
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

        private readonly string[] _propertyValues;

        internal SignedMessage(string topic, string? contentType, byte[] payload, uint epoch, uint sequence, long timestamp, string signature)
        {
            Topic = topic;
            ContentType = contentType;
            Payload = payload;
            Epoch = epoch;
            Sequence = sequence;
            Timestamp = timestamp;
            Signature = signature;

            // Decimal ASCII without sign or leading zeros (section 6.1): uint/long ToString gives exactly that.
            _propertyValues = new string[] { ProtocolV1.Version, epoch.ToString(), sequence.ToString(), timestamp.ToString(), signature };
        }

        /// <summary>The PUBLISH topic, devices/{id}/telemetry[/{stream}].</summary>
        public string Topic { get; private set; }

        /// <summary>The MQTT 5 Content Type property, or null when absent (signed as empty).</summary>
        public string? ContentType { get; private set; }

        /// <summary>The payload exactly as signed and sent.</summary>
        public byte[] Payload { get; private set; }

        /// <summary>The boot epoch (m2m-epoch).</summary>
        public uint Epoch { get; private set; }

        /// <summary>The sequence number within the epoch (m2m-seq).</summary>
        public uint Sequence { get; private set; }

        /// <summary>The device time at collection, Unix milliseconds, 0 when unknown (m2m-ts).</summary>
        public long Timestamp { get; private set; }

        /// <summary>base64url HMAC-SHA256 under K_msg (m2m-sig).</summary>
        public string Signature { get; private set; }

        /// <summary>The user property names, in the order of <see cref="UserPropertyValues"/>. Shared; do not modify.</summary>
        public string[] UserPropertyNames
        {
            get { return PropertyNames; }
        }

        /// <summary>The user property values, in the order of <see cref="UserPropertyNames"/>. Do not modify.</summary>
        public string[] UserPropertyValues
        {
            get { return _propertyValues; }
        }
    }
}
