using System;
using System.Text;

namespace M2M.Device.Core.App
{
    /// <summary>
    /// The device's configuration file (<c>I:\m2m.conf</c> on the board): how the application
    /// behaves, written by <c>m2m device provision</c> and read at every boot. Where the gateway is and
    /// who the device is live in the credential (docs/device-credential.md); Wi-Fi and the gateway's CA
    /// certificate are stored by nanoff's network deployment in the board's configuration block
    /// (hardware.md). Format (docs/device-config.md): UTF-8 text, one
    /// <c>key=value</c> per line, <c>#</c> comments, the first key <c>format=1</c>; unknown keys are
    /// refused so that a typo never silently falls back to a default.
    /// </summary>
    public sealed class DeviceConfig
    {
        /// <summary>The file name on the device's internal drive.</summary>
        public const string FileName = "m2m.conf";

        /// <summary>The only format version this code reads and writes.</summary>
        public const int FormatVersion = 1;

        // Bounds keep a bad file from exhausting the ~100 KB heap of a board without PSRAM (outbox
        // slots are preallocated) or from hammering the gateway.
        /// <summary>Largest outbox capacity (also the bound of the set-config command).</summary>
        public const int MaxOutboxCapacity = 1024;
        private const int MaxInflightWindow = 64;
        /// <summary>Bounds of the telemetry interval (also those of the set-config command).</summary>
        public const int MinIntervalSeconds = 1;
        public const int MaxIntervalSeconds = 86400;

        public DeviceConfig()
        {
            TelemetryIntervalSeconds = 60;
            OutboxCapacity = 32;
            InflightWindow = 4;
            KeepAliveSeconds = 60;
            SntpServer = "pool.ntp.org";
            SignalScanSeconds = 300;
        }





        /// <summary>Seconds between two telemetry messages.</summary>
        public int TelemetryIntervalSeconds { get; set; }

        /// <summary>Signed messages kept while offline (docs/protocol.md section 6.4); oldest dropped beyond it.</summary>
        public int OutboxCapacity { get; set; }

        /// <summary>PUBLISHes awaiting their PUBACK at once (bounds M2Mqtt's inflight queue).</summary>
        public int InflightWindow { get; set; }

        /// <summary>MQTT Keep Alive in seconds (docs/protocol.md section 5.1).</summary>
        public int KeepAliveSeconds { get; set; }

        /// <summary>The SNTP server; the gateway's Date header is the fallback (docs/protocol.md section 3.4).</summary>
        public string SntpServer { get; set; }

        /// <summary>Seconds between two Wi-Fi scans for the signal strength (0: never scan).</summary>
        public int SignalScanSeconds { get; set; }


        /// <summary>
        /// Reads the file's bytes; never throws on bad input. A missing file gives the defaults with
        /// <see cref="DeviceConfigResult.Missing"/> as a note (every key is optional); any other
        /// problem gives no configuration, so the board reports the file rather than running on
        /// settings nobody chose.
        /// </summary>
        public static DeviceConfigResult Parse(byte[]? data)
        {
            if (data == null)
            {
                return DeviceConfigResult.Defaults(new DeviceConfig());
            }

            string text;
            try
            {
                text = Encoding.UTF8.GetString(data, 0, data.Length);
            }
            catch (Exception)
            {
                return DeviceConfigResult.Fail(DeviceConfigResult.Malformed, null);
            }

            var config = new DeviceConfig();
            var sawFormat = false;
            var lines = text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i].Trim();
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                var equals = line.IndexOf('=');
                if (equals <= 0)
                {
                    return DeviceConfigResult.Fail(DeviceConfigResult.Malformed, null);
                }

                var key = line.Substring(0, equals).Trim();
                var value = line.Substring(equals + 1).Trim();
                if (!sawFormat)
                {
                    if (key != "format")
                    {
                    return DeviceConfigResult.Fail(DeviceConfigResult.Malformed, key);
                    }

                    if (ParseInt(value, 1, int.MaxValue) != FormatVersion)
                    {
                    return DeviceConfigResult.Fail(DeviceConfigResult.UnsupportedFormat, key);
                    }

                    sawFormat = true;
                    continue;
                }

                // An if chain rather than a string switch: Roslyn compiles larger string switches to a
                // hash helper the nanoFramework MetadataProcessor is not guaranteed to accept.
                var ok = true;
                if (key == "telemetry_interval_s")
                {
                    config.TelemetryIntervalSeconds = ParseInt(value, MinIntervalSeconds, MaxIntervalSeconds);
                    ok = config.TelemetryIntervalSeconds > 0;
                }
                else if (key == "outbox_capacity")
                {
                    config.OutboxCapacity = ParseInt(value, 1, MaxOutboxCapacity);
                    ok = config.OutboxCapacity > 0;
                }
                else if (key == "inflight_window")
                {
                    config.InflightWindow = ParseInt(value, 1, MaxInflightWindow);
                    ok = config.InflightWindow > 0;
                }
                else if (key == "keep_alive_s")
                {
                    config.KeepAliveSeconds = ParseInt(value, 5, 65535);
                    ok = config.KeepAliveSeconds > 0;
                }
                else if (key == "sntp_server")
                {
                    config.SntpServer = value;
                    ok = IsHostText(value);
                }
                else if (key == "signal_scan_s")
                {
                    config.SignalScanSeconds = ParseInt(value, 0, MaxIntervalSeconds);
                    ok = config.SignalScanSeconds >= 0;
                }
                else
                {
                    return DeviceConfigResult.Fail(DeviceConfigResult.UnknownKey, key);
                }

                if (!ok)
                {
                    return DeviceConfigResult.Fail(DeviceConfigResult.InvalidValue, key);
                }
            }

            if (!sawFormat)
            {
                return DeviceConfigResult.Fail(DeviceConfigResult.Malformed, null);
            }

            return DeviceConfigResult.Success(config);
        }

        /// <summary>Writes the file's bytes, every key explicit, in the documented order.</summary>
        public byte[] Format()
        {
            var text = new StringBuilder(512);
            text.Append("# M2M.Device configuration (docs/device-config.md). Wi-Fi and the CA certificate are stored by nanoff.\n");
            AppendLine(text, "format", FormatVersion.ToString());
            AppendLine(text, "telemetry_interval_s", TelemetryIntervalSeconds.ToString());
            AppendLine(text, "outbox_capacity", OutboxCapacity.ToString());
            AppendLine(text, "inflight_window", InflightWindow.ToString());
            AppendLine(text, "keep_alive_s", KeepAliveSeconds.ToString());
            AppendLine(text, "sntp_server", SntpServer);
            AppendLine(text, "signal_scan_s", SignalScanSeconds.ToString());
            return Encoding.UTF8.GetBytes(text.ToString());
        }

        /// <summary>
        /// A host name or address as SNTP needs it: printable ASCII without spaces (an IDN is written in
        /// its punycode form). Refuses a carriage return inside the value, which a file edited on
        /// another system can carry, and which <see cref="Format"/> could not write back.
        /// </summary>
        private static bool IsHostText(string value)
        {
            for (var i = 0; i < value.Length; i++)
            {
                if (value[i] <= ' ' || value[i] > '~')
                {
                    return false;
                }
            }

            return true;
        }

        private static void AppendLine(StringBuilder text, string key, string value)
        {
            if (value.IndexOf('\n') >= 0 || value.IndexOf('\r') >= 0)
            {
                throw new ArgumentException("A configuration value is one line.", key);
            }

            text.Append(key);
            text.Append('=');
            text.Append(value);
            text.Append('\n');
        }

        /// <summary>
        /// Decimal digits only, within [min, max]; -1 otherwise. Hand-written because the parse
        /// helpers of nanoFramework's CoreLibrary throw rather than report.
        /// </summary>
        public static int ParseInt(string value, int min, int max)
        {
            if (value.Length == 0 || value.Length > 9)
            {
                return -1;
            }

            var result = 0;
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if (c < '0' || c > '9')
                {
                    return -1;
                }

                result = (result * 10) + (c - '0');
            }

            return result < min || result > max ? -1 : result;
        }
    }
}
