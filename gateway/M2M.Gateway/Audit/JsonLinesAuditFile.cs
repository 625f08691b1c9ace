using System.Runtime.CompilerServices;
using System.Text;
using M2M.Gateway.Hosting;

namespace M2M.Gateway.Audit;

/// <summary>
/// Reads <c>audit.jsonl</c> (written by <see cref="JsonLinesAuditLog"/>), streaming it: it is never
/// loaded whole. A line's position is its line number, from 1.
/// </summary>
public sealed class JsonLinesAuditFile(DataDirectory dataDirectory) : IAuditLogSource
{
    /// <inheritdoc />
    public async IAsyncEnumerable<(long Position, string Line)> ReadAfterAsync(long after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var path = dataDirectory.Combine(JsonLinesAuditLog.FileName);
        if (!File.Exists(path))
        {
            yield break;
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream);
            long position = 0;
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                position++;
                if (position > after && line.Length > 0)
                {
                    yield return (position, line);
                }
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>Only the last <see cref="AuditLogReader.NewestWindowBytes"/> of the file are read.</remarks>
    public async IAsyncEnumerable<string> ReadNewestFirstAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var path = dataDirectory.Combine(JsonLinesAuditLog.FileName);
        if (!File.Exists(path))
        {
            yield break;
        }

        string text;
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        await using (stream.ConfigureAwait(false))
        {
            var start = Math.Max(0, stream.Length - AuditLogReader.NewestWindowBytes);
            stream.Seek(start, SeekOrigin.Begin);
            var buffer = new byte[stream.Length - start];
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
            text = Encoding.UTF8.GetString(buffer);
            if (start > 0)
            {
                // The window began inside a line: drop that partial line.
                text = text[(text.IndexOf('\n', StringComparison.Ordinal) + 1)..];
            }
        }

        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Reverse())
        {
            yield return line;
        }
    }
}
