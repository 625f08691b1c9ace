namespace M2M.Device.Core.Protocol
{
    /// <summary>
    /// The constants of protocol v1 (docs/protocol.md). The gateway keeps its own copy of these
    /// names; the test vectors in docs/protocol.md hold both sides to the same values.
    /// </summary>
    public static class ProtocolV1
    {
        /// <summary>Protocol version carried in the <see cref="VersionProperty"/> user property.</summary>
        public const string Version = "1";

        /// <summary>HKDF info for the key that signs token requests (docs/protocol.md section 2).</summary>
        public const string AuthKeyInfo = "m2m/v1/auth";

        /// <summary>HKDF info for the key that signs telemetry (docs/protocol.md section 2).</summary>
        public const string MessageKeyInfo = "m2m/v1/msg";

        /// <summary>HKDF info for the key that authenticates commands and their results (docs/protocol.md section 11.1).</summary>
        public const string CommandKeyInfo = "m2m/v1/cmd";

        /// <summary>Field 1 of a command (section 11.2).</summary>
        public const string CommandLabel = "m2m/v1/cmd";

        /// <summary>Field 1 of a command result (section 11.3).</summary>
        public const string CommandResultLabel = "m2m/v1/cmd-result";

        /// <summary>Field 1 of the transcript of an over-the-air secret rotation (section 12.3).</summary>
        public const string RotationLabel = "m2m/v1/rotate";

        /// <summary>HKDF info for the key of a rotation's proof, derived from the new secret (section 12.3).</summary>
        public const string RotationProofKeyInfo = "m2m/v1/rotate-proof";

        /// <summary>Domain-separation label, the first field of every signed message encoding (section 6.2).</summary>
        public const string MessageSignatureLabel = "m2m/v1/msg-sig";

        /// <summary>Length in bytes of the device secret S and of every derived key.</summary>
        public const int KeyLength = 32;

        /// <summary>MQTT 5 user property names of a signed PUBLISH (section 6.1).</summary>
        public const string VersionProperty = "m2m-v";
        public const string EpochProperty = "m2m-epoch";
        public const string SequenceProperty = "m2m-seq";
        public const string TimestampProperty = "m2m-ts";
        public const string SignatureProperty = "m2m-sig";

        /// <summary>OAuth 2.0 parameters of the token request (RFC 6749 section 4.4.2, RFC 7523 section 2.2).</summary>
        public const string ClientCredentialsGrant = "client_credentials";
        public const string JwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

        /// <summary>Longest lifetime (exp - iat) of a client assertion, in seconds (section 3.2).</summary>
        public const int MaxAssertionLifetimeSeconds = 300;

        /// <summary>Topic a device publishes telemetry to: devices/{id}/telemetry[/{stream}] (section 6).</summary>
        public static string TelemetryTopic(string deviceId)
        {
            return "devices/" + deviceId + "/telemetry";
        }

        /// <summary>Topic of a named telemetry stream (section 6).</summary>
        public static string TelemetryTopic(string deviceId, string stream)
        {
            return "devices/" + deviceId + "/telemetry/" + stream;
        }

        /// <summary>Topic the gateway sends a device its commands on (section 11).</summary>
        public static string CommandTopic(string deviceId)
        {
            return "devices/" + deviceId + "/commands";
        }

        /// <summary>Topic a device publishes its signed command results to (section 11.3).</summary>
        public static string CommandResultTopic(string deviceId)
        {
            return "devices/" + deviceId + "/command-results";
        }

        /// <summary>Topic a device publishes a renewal credential to (section 7).</summary>
        public static string AuthTopic(string deviceId)
        {
            return "devices/" + deviceId + "/auth";
        }
    }
}
