using System.Collections;
using System.Text;

namespace M2M.Device.Core.Commands
{
    /// <summary>
    /// The text of a command's arguments and of a result's detail (docs/protocol.md section 11.2):
    /// <c>key=value</c> lines separated by '\n', keys of 1 to 32 characters from a-z, 0-9 and '_',
    /// each key at most once, values without '\n', at most 16 lines.
    /// </summary>
    public static class CommandArguments
    {
        /// <summary>Most lines in one text.</summary>
        public const int MaxEntries = 16;

        /// <summary>The table of <paramref name="text"/>, or null when it breaks a rule. Never throws.</summary>
        public static Hashtable? Parse(string text)
        {
            var table = new Hashtable();
            if (text.Length == 0)
            {
                return table;
            }

            var lines = text.Split('\n');
            if (lines.Length > MaxEntries)
            {
                return null;
            }

            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                var equals = line.IndexOf('=');
                if (equals <= 0 || equals > 32)
                {
                    return null;
                }

                var key = line.Substring(0, equals);
                for (var k = 0; k < key.Length; k++)
                {
                    var c = key[k];
                    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
                    {
                        return null;
                    }
                }

                if (table.Contains(key))
                {
                    return null;
                }

                table[key] = line.Substring(equals + 1);
            }

            return table;
        }

        /// <summary>Appends one <c>key=value</c> line to a detail being built.</summary>
        public static void Append(StringBuilder builder, string key, string value)
        {
            if (builder.Length > 0)
            {
                builder.Append('\n');
            }

            builder.Append(key);
            builder.Append('=');
            builder.Append(value);
        }
    }
}
