using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using M2M.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// Stands in for Grafana Loki's push API, which cannot be run here (docs/testing.md, "Loki"): a
/// Kestrel server on 127.0.0.1 with a free port that answers <c>POST /loki/api/v1/push</c> as Loki's
/// distributor does and keeps what it accepted, for the tests to read back as a LogQL stream
/// selector would. It decodes the request on its own, not with the gateway's generated classes:
/// <list type="bullet">
/// <item><c>application/x-protobuf</c>: the body in snappy block format (Loki refuses it otherwise),
/// then <c>logproto.PushRequest</c> of grafana/loki pkg/push/push.proto read field by field
/// (PushRequest.streams = 1; StreamAdapter.labels = 1, entries = 2, hash = 3; EntryAdapter.timestamp
/// = 1 as google.protobuf.Timestamp, line = 2, structuredMetadata = 3), a wrong wire type being a 400;</item>
/// <item><c>application/json</c>: <c>{"streams":[{"stream":{labels},"values":[["ns","line"]]}]}</c>.</item>
/// </list>
/// Stream labels are parsed in Prometheus text form (<c>{a="b", c="d"}</c>, Loki's
/// <c>syntax.ParseLabels</c>); a stream without labels is a 400. Loki's answers: 204 when accepted; an
/// entry identical in stream, timestamp and line to one held is dropped silently (Loki's
/// deduplication); with <see cref="RequiredOrgId"/> set, a request without that
/// <c>X-Scope-OrgID</c> is 401 "no org id" (Loki with auth_enabled); with <see cref="RequiredAuthorization"/>
/// set, any other <c>Authorization</c> header is 401 (the authenticating proxy in front of Loki);
/// answers queued with <see cref="AnswerNext"/> are given first (429 rate limited, 5xx), and a
/// request with an entry <see cref="Refuse"/> names is a 400 with Loki's own text for it (out of
/// order, too old): Loki then stores nothing of the request.
/// </summary>
public sealed class LokiPushReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<(int Status, string Body)> _answers = new();
    private readonly List<LokiEntry> _entries = [];
    private readonly Lock _lock = new();
    private readonly int _port = LoopbackPort.Free();
    private WebApplication? _app;

    private LokiPushReceiver()
    {
    }

    /// <summary>The push endpoint.</summary>
    public Uri PushUrl => new($"http://127.0.0.1:{_port}/loki/api/v1/push");

    /// <summary>When set, the tenant every request must name in <c>X-Scope-OrgID</c>.</summary>
    public string? RequiredOrgId { get; set; }

    /// <summary>When set, the exact <c>Authorization</c> header every request must carry.</summary>
    public string? RequiredAuthorization { get; set; }

    /// <summary>
    /// When set, names the entries Loki will never take (its 400 text for that entry, or null): a
    /// request holding one is answered 400 with that text and nothing of it is stored, as Loki does.
    /// </summary>
    public Func<LokiEntry, string?>? Refuse { get; set; }

    /// <summary>Requests answered so far, by status code, in order.</summary>
    public ConcurrentQueue<int> Answered { get; } = new();

    /// <summary>Every entry held, in arrival order.</summary>
    public IReadOnlyList<LokiEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    public static async Task<LokiPushReceiver> StartAsync()
    {
        var receiver = new LokiPushReceiver();
        await receiver.StartAgainAsync().ConfigureAwait(false);
        return receiver;
    }

    /// <summary>Starts it (again, after <see cref="StopAsync"/>) on the same port, keeping what it holds.</summary>
    public async Task StartAgainAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{_port}");
        _app = builder.Build();
        _app.MapPost("/loki/api/v1/push", PushAsync);
        await _app.StartAsync().ConfigureAwait(false);
    }

    /// <summary>Stops it: connections are refused until <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_app != null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }

    /// <summary>The next push is answered <paramref name="status"/> with <paramref name="body"/>, storing nothing.</summary>
    public void AnswerNext(int status, string body) => _answers.Enqueue((status, body));

    /// <summary>The entries of the streams whose labels include every pair of <paramref name="selector"/>, oldest first, as LogQL returns them.</summary>
    public IReadOnlyList<LokiEntry> Select(params (string Name, string Value)[] selector) =>
        [.. Entries.Where(e => selector.All(s => e.Labels.TryGetValue(s.Name, out var v) && v == s.Value)).OrderBy(e => e.Nanoseconds)];

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private async Task<IResult> PushAsync(HttpRequest request)
    {
        var result = await AnswerAsync(request).ConfigureAwait(false);
        Answered.Enqueue(result.Status);
        return result.Status == StatusCodes.Status204NoContent ? Results.NoContent() : Results.Text(result.Body, "text/plain", statusCode: result.Status);
    }

    private async Task<(int Status, string Body)> AnswerAsync(HttpRequest request)
    {
        if (RequiredAuthorization != null && request.Headers.Authorization.ToString() != RequiredAuthorization)
        {
            return (StatusCodes.Status401Unauthorized, "unauthorized\n");
        }

        if (RequiredOrgId != null && request.Headers["X-Scope-OrgID"].ToString() != RequiredOrgId)
        {
            return (StatusCodes.Status401Unauthorized, "no org id\n");
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer).ConfigureAwait(false);
        List<LokiEntry> pushed;
        try
        {
            pushed = request.ContentType?.Split(';')[0].Trim() switch
            {
                "application/x-protobuf" => DecodeProtobuf(Snappier.Snappy.DecompressToArray(buffer.ToArray())),
                "application/json" => DecodeJson(buffer.ToArray()),
                _ => throw new InvalidDataException($"unsupported Content-Type {request.ContentType}"),
            };
        }
        catch (Exception exception) when (exception is InvalidDataException or InvalidProtocolBufferException or JsonException or InvalidOperationException or FormatException)
        {
            return (StatusCodes.Status400BadRequest, exception.Message);
        }

        if (_answers.TryDequeue(out var forced))
        {
            return forced;
        }

        if (Refuse != null && pushed.Select(Refuse).FirstOrDefault(r => r != null) is { } refusal)
        {
            return (StatusCodes.Status400BadRequest, refusal);
        }

        lock (_lock)
        {
            foreach (var entry in pushed)
            {
                // Loki keeps one of entries identical in stream, timestamp and line.
                if (!_entries.Any(e => e.Stream == entry.Stream && e.Nanoseconds == entry.Nanoseconds && e.Line == entry.Line))
                {
                    _entries.Add(entry);
                }
            }
        }

        return (StatusCodes.Status204NoContent, string.Empty);
    }

    private static List<LokiEntry> DecodeProtobuf(byte[] body)
    {
        var entries = new List<LokiEntry>();
        var input = new CodedInputStream(body);
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            if (tag == Tag(1, WireFormat.WireType.LengthDelimited))
            {
                entries.AddRange(DecodeStream(input.ReadBytes()));
            }
            else
            {
                input.SkipLastField();
            }
        }

        return entries;
    }

    private static List<LokiEntry> DecodeStream(ByteString stream)
    {
        string? labels = null;
        var lines = new List<(long, string)>();
        var input = stream.CreateCodedInput();
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    Expect(tag, WireFormat.WireType.LengthDelimited);
                    labels = input.ReadString();
                    break;
                case 2:
                    Expect(tag, WireFormat.WireType.LengthDelimited);
                    lines.Add(DecodeEntry(input.ReadBytes()));
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        var parsed = ParseLabels(labels ?? throw new InvalidDataException("error parsing labels: a stream without labels"));
        return lines.ConvertAll(l => new LokiEntry(parsed, l.Item1, l.Item2));
    }

    private static (long Nanoseconds, string Line) DecodeEntry(ByteString entry)
    {
        long seconds = 0, nanos = 0;
        var line = string.Empty;
        var input = entry.CreateCodedInput();
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    // google.protobuf.Timestamp: seconds = 1 (int64), nanos = 2 (int32).
                    Expect(tag, WireFormat.WireType.LengthDelimited);
                    var timestamp = input.ReadBytes().CreateCodedInput();
                    for (uint t; (t = timestamp.ReadTag()) != 0;)
                    {
                        switch (WireFormat.GetTagFieldNumber(t))
                        {
                            case 1:
                                Expect(t, WireFormat.WireType.Varint);
                                seconds = timestamp.ReadInt64();
                                break;
                            case 2:
                                Expect(t, WireFormat.WireType.Varint);
                                nanos = timestamp.ReadInt32();
                                break;
                            default:
                                timestamp.SkipLastField();
                                break;
                        }
                    }

                    break;
                case 2:
                    Expect(tag, WireFormat.WireType.LengthDelimited);
                    line = input.ReadString();
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return ((seconds * 1_000_000_000) + nanos, line);
    }

    private static List<LokiEntry> DecodeJson(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        var entries = new List<LokiEntry>();
        foreach (var stream in document.RootElement.GetProperty("streams").EnumerateArray())
        {
            var labels = stream.GetProperty("stream").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            if (labels.Count == 0)
            {
                throw new InvalidDataException("error parsing labels: a stream without labels");
            }

            foreach (var value in stream.GetProperty("values").EnumerateArray())
            {
                entries.Add(new LokiEntry(labels, long.Parse(value[0].GetString()!, NumberStyles.None, CultureInfo.InvariantCulture), value[1].GetString()!));
            }
        }

        return entries;
    }

    /// <summary>Prometheus text form: <c>{name="value", ...}</c>, values with backslash escapes.</summary>
    private static Dictionary<string, string> ParseLabels(string text)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        void Skip()
        {
            while (i < text.Length && text[i] == ' ')
            {
                i++;
            }
        }

        InvalidDataException Error() => new($"error parsing labels: {text}");
        Skip();
        if (i >= text.Length || text[i++] != '{')
        {
            throw Error();
        }

        Skip();
        while (i < text.Length && text[i] != '}')
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
            {
                i++;
            }

            var name = text[start..i];
            Skip();
            if (name.Length == 0 || i + 1 >= text.Length || text[i++] != '=' || text[i++] != '"')
            {
                throw Error();
            }

            var value = new StringBuilder();
            while (i < text.Length && text[i] != '"')
            {
                if (text[i] == '\\' && i + 1 < text.Length)
                {
                    i++;
                    value.Append(text[i] == 'n' ? '\n' : text[i]);
                }
                else
                {
                    value.Append(text[i]);
                }

                i++;
            }

            if (i >= text.Length || !labels.TryAdd(name, value.ToString()))
            {
                throw Error();
            }

            i++;
            Skip();
            if (i < text.Length && text[i] == ',')
            {
                i++;
                Skip();
            }
        }

        if (i != text.Length - 1 || labels.Count == 0)
        {
            throw Error();
        }

        return labels;
    }

    private static uint Tag(int field, WireFormat.WireType type) => WireFormat.MakeTag(field, type);

    private static void Expect(uint tag, WireFormat.WireType type)
    {
        if (WireFormat.GetTagWireType(tag) != type)
        {
            throw new InvalidDataException($"proto: wrong wireType for field {WireFormat.GetTagFieldNumber(tag)}");
        }
    }
}

/// <summary>One entry Loki holds.</summary>
/// <param name="Labels">Its stream's labels.</param>
/// <param name="Nanoseconds">Its timestamp, Unix nanoseconds.</param>
/// <param name="Line">The log line.</param>
public sealed record LokiEntry(IReadOnlyDictionary<string, string> Labels, long Nanoseconds, string Line)
{
    /// <summary>The stream's identity: its labels sorted, in text form.</summary>
    public string Stream => string.Join(",", Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
}
