namespace M2M.Gateway.Relay;

/// <summary>
/// The default sink: one CloudEvent per line in a file (JSON Lines), fsynced at every flush. After a
/// crash it cuts a torn last line and reads the position of the last whole one, so no record is
/// written twice (docs/ingress.md, "Sinks").
/// </summary>
public sealed class JsonLinesFileSink(string path) : IRecordSink, IAsyncDisposable
{
    private FileStream? _file;

    public string Name => "file";

    public async Task<long> RecoverPositionAsync(CancellationToken cancellationToken)
    {
        _file = Hosting.PrivateFile.Open(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, FileOptions.Asynchronous, createFolders: true);
        var length = _file.Length;
        var end = await FindLastNewlineAsync(_file, length, cancellationToken).ConfigureAwait(false);
        if (end + 1 < length)
        {
            // A line without its newline is a write the crash interrupted: it was never flushed
            // as delivered, so it is cut and written again.
            _file.SetLength(end + 1);
            _file.Flush(flushToDisk: true);
        }

        _file.Seek(0, SeekOrigin.End);
        if (end < 0)
        {
            return 0;
        }

        var start = await FindLastNewlineAsync(_file, end, cancellationToken).ConfigureAwait(false) + 1;
        var line = new byte[end - start];
        _file.Seek(start, SeekOrigin.Begin);
        await _file.ReadExactlyAsync(line, cancellationToken).ConfigureAwait(false);
        _file.Seek(0, SeekOrigin.End);
        return CloudEventRecord.ReadPosition(line);
    }

    public async Task DeliverAsync(long position, byte[] eventJson, CancellationToken cancellationToken)
    {
        await _file!.WriteAsync(eventJson, cancellationToken).ConfigureAwait(false);
        _file.WriteByte((byte)'\n');
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _file!.FlushAsync(cancellationToken).ConfigureAwait(false);
        _file.Flush(flushToDisk: true);
    }

    public async ValueTask DisposeAsync()
    {
        if (_file != null)
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Offset of the last '\n' before <paramref name="before"/>, or -1.</summary>
    private static async Task<long> FindLastNewlineAsync(FileStream file, long before, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        var offset = before;
        while (offset > 0)
        {
            var count = (int)Math.Min(buffer.Length, offset);
            offset -= count;
            file.Seek(offset, SeekOrigin.Begin);
            await file.ReadExactlyAsync(buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
            var index = buffer.AsSpan(0, count).LastIndexOf((byte)'\n');
            if (index >= 0)
            {
                return offset + index;
            }
        }

        return -1;
    }
}
