using System.Buffers.Text;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using M2M.Bench.Fleet;

namespace M2M.Bench.Measure;

/// <summary>
/// Watches a sink file as a consumer of it would: the gateway's JSON-lines file sink
/// (<see cref="CloudEventLines"/>) or the file Mosquitto's subscriber process writes
/// (<see cref="HexPayloadLines"/>). One thread reads what was appended, sleeping 1 ms when there is
/// nothing new (the same on both sides), and notes for every whole line its arrival time and the
/// payload's publish time and run (<see cref="TelemetryPayload"/>).
/// </summary>
public sealed class SinkObserver : IDisposable
{
    /// <summary>Reads the first <see cref="TelemetryPayload.HeaderBytes"/> bytes of the payload a line carries.</summary>
    public delegate bool LineFormat(ReadOnlySpan<byte> line, Span<byte> header);

    private readonly string _path;
    private readonly LineFormat _format;
    private readonly Thread _thread;
    private readonly Lock _lock = new();
    private volatile bool _stop;
    private int _run = -1;
    private List<long> _arrivals = [];
    private List<long> _published = [];
    private long _others;
    private long _unreadable;

    public SinkObserver(string path, LineFormat format)
    {
        _path = path;
        _format = format;
        _thread = new Thread(Tail) { IsBackground = true, Name = "sink observer" };
        _thread.Start();
    }

    /// <summary>Lines of the gateway's file sink: CloudEvents whose <c>data_base64</c> is the payload (docs/ingress.md, relayed records).</summary>
    public static bool CloudEventLines(ReadOnlySpan<byte> line, Span<byte> header)
    {
        var reader = new Utf8JsonReader(line);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("data_base64"u8) && reader.Read())
            {
                Span<byte> text = stackalloc byte[16];
                if (reader.ValueIsEscaped)
                {
                    // System.Text.Json escapes '+' as \u002B: unescape first.
                    Span<byte> unescaped = stackalloc byte[Math.Min(reader.ValueSpan.Length, 512)];
                    var length = reader.CopyString(unescaped);
                    unescaped[..Math.Min(16, length)].CopyTo(text);
                }
                else
                {
                    reader.ValueSpan[..Math.Min(16, reader.ValueSpan.Length)].CopyTo(text);
                }

                return Base64.DecodeFromUtf8(text, header, out _, out var written) == System.Buffers.OperationStatus.Done && written == TelemetryPayload.HeaderBytes;
            }
        }

        return false;
    }

    /// <summary>Lines of <c>mosquitto_sub -F %x</c>: the payload in hexadecimal.</summary>
    public static bool HexPayloadLines(ReadOnlySpan<byte> line, Span<byte> header)
    {
        if (line.Length < 2 * TelemetryPayload.HeaderBytes)
        {
            return false;
        }

        Span<char> hex = stackalloc char[2 * TelemetryPayload.HeaderBytes];
        Encoding.ASCII.GetChars(line[..hex.Length], hex);
        return Convert.FromHexString(hex, header, out _, out var written) == System.Buffers.OperationStatus.Done && written == TelemetryPayload.HeaderBytes;
    }

    /// <summary>Starts counting the records of <paramref name="run"/>; records of other runs are counted apart.</summary>
    public void BeginRun(int run)
    {
        lock (_lock)
        {
            _run = run;
            _arrivals = [];
            _published = [];
            _others = 0;
        }
    }

    /// <summary>Records of the current run so far.</summary>
    public long Count
    {
        get
        {
            lock (_lock)
            {
                return _arrivals.Count;
            }
        }
    }

    /// <summary>Records of the current run that arrived in [<paramref name="from"/>, <paramref name="to"/>) (Stopwatch timestamps).</summary>
    public long ArrivedBetween(long from, long to)
    {
        lock (_lock)
        {
            return _arrivals.Count(a => a >= from && a < to);
        }
    }

    /// <summary>Publish-to-sink latencies (ticks) of the records of the current run published in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public List<long> LatenciesOfPublishedBetween(long from, long to)
    {
        lock (_lock)
        {
            var latencies = new List<long>();
            for (var i = 0; i < _published.Count; i++)
            {
                if (_published[i] >= from && _published[i] < to)
                {
                    latencies.Add(_arrivals[i] - _published[i]);
                }
            }

            return latencies;
        }
    }

    /// <summary>Records of other runs seen since <see cref="BeginRun"/>, and lines without a readable payload.</summary>
    public (long OtherRuns, long Unreadable) Strays
    {
        get
        {
            lock (_lock)
            {
                return (_others, _unreadable);
            }
        }
    }

    /// <summary>Waits until the current run has <paramref name="expected"/> records, or none came for <paramref name="stall"/>.</summary>
    public async Task<long> WaitForAsync(long expected, TimeSpan stall)
    {
        var last = -1L;
        var lastProgress = Stopwatch.GetTimestamp();
        while (Count < expected)
        {
            var count = Count;
            if (count != last)
            {
                (last, lastProgress) = (count, Stopwatch.GetTimestamp());
            }
            else if (Stopwatch.GetElapsedTime(lastProgress) > stall)
            {
                break;
            }

            await Task.Delay(5).ConfigureAwait(false);
        }

        return Count;
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    private void Tail()
    {
        while (!File.Exists(_path) && !_stop)
        {
            Thread.Sleep(1);
        }

        if (_stop)
        {
            return;
        }

        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        var buffer = new byte[1 << 20];
        Span<byte> header = stackalloc byte[TelemetryPayload.HeaderBytes];
        var filled = 0;
        while (!_stop)
        {
            var read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                Thread.Sleep(1);
                continue;
            }

            var arrival = Stopwatch.GetTimestamp();
            filled += read;
            var start = 0;
            int newline;
            // Only whole lines: the writer may be in the middle of the last one.
            while ((newline = Array.IndexOf(buffer, (byte)'\n', start, filled - start)) >= 0)
            {
                var ok = _format(buffer.AsSpan(start, newline - start), header);
                start = newline + 1;
                lock (_lock)
                {
                    if (!ok)
                    {
                        _unreadable++;
                        continue;
                    }

                    var (published, run) = TelemetryPayload.Read(header);
                    if (run != _run)
                    {
                        _others++;
                        continue;
                    }

                    _arrivals.Add(arrival);
                    _published.Add(published);
                }
            }

            Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
            filled -= start;
            if (filled == buffer.Length)
            {
                // A line longer than the buffer: make room for its end.
                Array.Resize(ref buffer, buffer.Length * 2);
            }
        }
    }
}
