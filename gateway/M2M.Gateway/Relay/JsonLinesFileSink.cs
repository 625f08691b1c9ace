using System.Globalization;
using System.Text.Json;

namespace M2M.Gateway.Relay;

/// <summary>
/// The default sink: one CloudEvent per line in a file (JSON Lines, created owner-only), fsynced at
/// every flush. Events are gathered in the sink's own buffer and written at a flush or when it is
/// full, so a failed write (a full disk) leaves no hidden buffered bytes behind. At every (re)start
/// it cuts a torn last line, makes the file durable and reads the position of the last whole line,
/// so no record is written twice and none is skipped (docs/ingress.md, "Sinks").
/// </summary>
public sealed class JsonLinesFileSink(string path) : IRecordSink, IAsyncDisposable
{
    private const int BufferBytes = 64 * 1024;
    private static readonly byte[] PositionProperty = "m2mposition"u8.ToArray();
    private readonly byte[] _buffer = new byte[BufferBytes];
    private FileStream? _file;
    private int _buffered;

    public string Name => "file";

    public Task<long> RecoverPositionAsync(CancellationToken cancellationToken)
    {
        _buffered = 0;
        _file = Hosting.PrivateFile.Open(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, createFolders: true);
        var end = FindLastNewline(_file, _file.Length);

        // A line without its newline is a write a crash or a failure interrupted: it was never
        // flushed as delivered, so it is cut and written again.
        _file.SetLength(end + 1);
        _file.Flush(flushToDisk: true);
        if (end < 0)
        {
            return Task.FromResult(0L);
        }

        var start = FindLastNewline(_file, end) + 1;
        var line = new byte[end - start];
        _file.Seek(start, SeekOrigin.Begin);
        _file.ReadExactly(line);
        _file.Seek(0, SeekOrigin.End);
        return Task.FromResult(ReadPosition(line));
    }

    public ValueTask DeliverAsync(RelayEvent relayEvent, CancellationToken cancellationToken)
    {
        var json = relayEvent.Json.Span;
        if (_buffered + json.Length + 1 > _buffer.Length)
        {
            WriteBuffer();
        }

        if (json.Length + 1 > _buffer.Length)
        {
            _file!.Write(json);
            _file.WriteByte((byte)'\n');
        }
        else
        {
            json.CopyTo(_buffer.AsSpan(_buffered));
            _buffered += json.Length;
            _buffer[_buffered++] = (byte)'\n';
        }

        return ValueTask.CompletedTask;
    }

    public Task FlushAsync(CancellationToken cancellationToken)
    {
        WriteBuffer();
        _file!.Flush(flushToDisk: true);
        return Task.CompletedTask;
    }

    public async ValueTask CloseAsync()
    {
        _buffered = 0;
        if (_file != null)
        {
            var file = _file;
            _file = null;
            await file.DisposeAsync().ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => CloseAsync();

    /// <summary>The journal position an event carries (<c>m2mposition</c>).</summary>
    private static long ReadPosition(ReadOnlySpan<byte> eventJson)
    {
        var reader = new Utf8JsonReader(eventJson);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isPosition = reader.ValueTextEquals(PositionProperty);
            reader.Read();
            if (isPosition)
            {
                return long.Parse(reader.GetString()!, NumberStyles.None, CultureInfo.InvariantCulture);
            }

            reader.Skip();
        }

        throw new InvalidDataException("The last line of the sink's file is not an event with m2mposition.");
    }

    private void WriteBuffer()
    {
        if (_buffered > 0)
        {
            // Forgotten before the write: if it fails, the sink is closed and recovered from the file.
            var count = _buffered;
            _buffered = 0;
            _file!.Write(_buffer, 0, count);
        }
    }

    /// <summary>Offset of the last '\n' before <paramref name="before"/>, or -1.</summary>
    private static long FindLastNewline(FileStream file, long before)
    {
        var buffer = new byte[8192];
        var offset = before;
        while (offset > 0)
        {
            var count = (int)Math.Min(buffer.Length, offset);
            offset -= count;
            file.Seek(offset, SeekOrigin.Begin);
            file.ReadExactly(buffer.AsSpan(0, count));
            var index = buffer.AsSpan(0, count).LastIndexOf((byte)'\n');
            if (index >= 0)
            {
                return offset + index;
            }
        }

        return -1;
    }
}

/// <summary>Configuration section <c>Gateway:Relay:File</c>.</summary>
public sealed class FileSinkOptions
{
    /// <summary>False turns the file sink off.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The file; relative paths are under <c>Gateway:DataDirectory</c>.</summary>
    public string Path { get; set; } = "telemetry.jsonl";
}

/// <summary>The <c>file</c> sink kind: on unless <c>Gateway:Relay:File:Enabled</c> is false.</summary>
public sealed class JsonLinesFileSinkKind : SinkKind<FileSinkOptions>
{
    public override string Name => "file";

    public override string Section => "File";

    protected override bool IsEnabled(FileSinkOptions options) => options.Enabled;

    protected override IEnumerable<string> Validate(FileSinkOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            yield return $"{Key("Path")} is empty";
        }
    }

    protected override IRecordSink Create(FileSinkOptions options, SinkContext context) =>
        new JsonLinesFileSink(System.IO.Path.Combine(context.DataDirectory, options.Path));
}
