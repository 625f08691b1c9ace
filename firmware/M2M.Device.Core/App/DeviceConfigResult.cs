namespace M2M.Device.Core.App
{
    /// <summary>The outcome of reading <see cref="DeviceConfig"/>: the configuration, or a stable reason and the key at fault.</summary>
    public sealed class DeviceConfigResult
    {
        /// <summary>No configuration file: the defaults apply (a note, not a failure).</summary>
        public const string Missing = "config_missing";

        /// <summary>Not UTF-8, a line without '=', or no leading format line.</summary>
        public const string Malformed = "config_malformed";

        /// <summary>A format version this firmware does not read.</summary>
        public const string UnsupportedFormat = "config_unsupported_format";

        /// <summary>A key this firmware does not know (a typo would otherwise fall back to a default).</summary>
        public const string UnknownKey = "config_unknown_key";

        /// <summary>A value out of range or of the wrong form.</summary>
        public const string InvalidValue = "config_invalid_value";

        private DeviceConfigResult(DeviceConfig? config, string? error, string? key)
        {
            Config = config;
            Error = error;
            Key = key;
        }

        /// <summary>The configuration (the defaults when the file is missing), or null when the file is bad.</summary>
        public DeviceConfig? Config { get; private set; }

        /// <summary>The stable reason (one of the constants above), or null when the file was read as it is.</summary>
        public string? Error { get; private set; }

        /// <summary>The key at fault, when there is one.</summary>
        public string? Key { get; private set; }

        internal static DeviceConfigResult Success(DeviceConfig config)
        {
            return new DeviceConfigResult(config, null, null);
        }

        internal static DeviceConfigResult Defaults(DeviceConfig config)
        {
            return new DeviceConfigResult(config, Missing, null);
        }

        internal static DeviceConfigResult Fail(string error, string? key)
        {
            return new DeviceConfigResult(null, error, key);
        }
    }
}
