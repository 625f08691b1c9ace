using System.Collections;

namespace M2M.Device.Core.Commands
{
    /// <summary>An authenticated command from the gateway (docs/protocol.md section 11.2).</summary>
    public sealed class Command
    {
        public Command(uint sequence, long expiresAt, string name, Hashtable? arguments)
        {
            Sequence = sequence;
            ExpiresAt = expiresAt;
            Name = name;
            Arguments = arguments;
        }

        /// <summary>The gateway's per-device sequence number (from 1).</summary>
        public uint Sequence { get; private set; }

        /// <summary>Unix seconds after which the device must not run it.</summary>
        public long ExpiresAt { get; private set; }

        /// <summary>The command's name (<c>ping</c>, <c>set-config</c>, ...).</summary>
        public string Name { get; private set; }

        /// <summary>The arguments: string keys to string values (empty when there are none); null when their text broke the format.</summary>
        public Hashtable? Arguments { get; private set; }

        /// <summary>The argument <paramref name="key"/>, or null.</summary>
        public string? Argument(string key)
        {
            return Arguments != null && Arguments.Contains(key) ? (string)Arguments[key]! : null;
        }
    }
}
