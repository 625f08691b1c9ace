using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using M2M.Gateway.Journal;

namespace M2M.Gateway.Relay;

/// <summary>
/// Turns consecutive journal records into the CloudEvents 1.0 events every sink delivers (JSON
/// event format, structured mode) and signs them once per batch (docs/ingress.md, "Relayed records"
/// and "Verifying a record"): each record's attributes and data are encoded as a Merkle leaf, the
/// tree's root (RFC 6962 section 2.1) goes into one ES256 JWS per batch, and each event carries
/// that JWS, its leaf index and its audit path. The JSON values are written from the very bytes the
/// leaf hashed, so an event and its leaf cannot disagree. Not thread-safe: one build at a time.
/// </summary>
public sealed class RecordBatchBuilder : IDisposable
{
    /// <summary>The CloudEvents type of a telemetry record.</summary>
    public const string EventType = "io.m2m.telemetry.v1";

    /// <summary>The JWS <c>typ</c> of a batch signature.</summary>
    public const string BatchSignatureType = "m2m-batch+jwt";

    /// <summary>The first field of every leaf: domain separation and version of the leaf encoding.</summary>
    public const string LeafLabel = "m2m/v1/record";

    private const string TimeFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
    private static readonly byte[] LabelBytes = Encoding.ASCII.GetBytes(LeafLabel);
    private static readonly byte[] SpecVersionValue = "1.0"u8.ToArray();
    private static readonly byte[] EventTypeValue = Encoding.ASCII.GetBytes(EventType);
    private static readonly byte[] SourcePrefix = "/devices/"u8.ToArray();

    /// <summary>The attributes a leaf covers, in leaf order (after the label; the data comes last).</summary>
    private static readonly JsonEncodedText[] LeafAttributes = [.. new[]
    {
        "specversion", "id", "source", "type", "subject", "time", "datacontenttype", "m2mdevice", "m2mtenant",
        "m2mgeneration", "m2mepoch", "m2mseq", "m2mdevicetime", "m2mgatewaytime", "m2mposition", "m2mdevicesig",
    }.Select(name => JsonEncodedText.Encode(name))];

    private static readonly int ContentTypeAttribute = Array.IndexOf([.. LeafAttributes.Select(a => a.Value)], "datacontenttype");
    private static readonly JsonEncodedText GatewaySignature = JsonEncodedText.Encode("m2mgatewaysig");
    private static readonly JsonEncodedText LeafIndex = JsonEncodedText.Encode("m2mleafindex");
    private static readonly JsonEncodedText AuditPath = JsonEncodedText.Encode("m2mauditpath");
    private static readonly JsonEncodedText DataBase64 = JsonEncodedText.Encode("data_base64");

    private readonly IRecordSigner _signer;
    private readonly TimeProvider _time;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly ArrayBufferWriter<byte> _json = new(4096);
    private readonly Utf8JsonWriter _writer;
    private byte[] _leaves = new byte[64 * 1024];
    private int[] _leafStarts = new int[257];
    private byte[] _leafHashes = [];
    private byte[] _paths = [];
    private int[] _pathLengths = [];
    private byte[] _text = new byte[1024];
    private int _length;

    public RecordBatchBuilder(IRecordSigner signer, TimeProvider time)
    {
        _signer = signer;
        _time = time;
        _writer = new Utf8JsonWriter(_json, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>
    /// Builds the events of <paramref name="records"/> (consecutive, oldest first) and signs them,
    /// or, given the <paramref name="signature"/> this batch of these very records had when it was
    /// first built, carries that one again, so the events come out byte for byte as they did then.
    /// </summary>
    public RelayBatch Build(IReadOnlyList<CommittedRecord> records, string? signature = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        var count = records.Count;
        ArgumentOutOfRangeException.ThrowIfZero(count);
        Prepare(count);

        // Pass 1: every leaf's encoding, kept, and its hash.
        _length = 0;
        for (var i = 0; i < count; i++)
        {
            _leafStarts[i] = _length;
            EncodeLeaf(records[i]);
            _sha256.AppendData(_leaves, _leafStarts[i], _length - _leafStarts[i]);
            _sha256.AppendData(records[i].Record.Payload);
            _sha256.GetHashAndReset(_leafHashes.AsSpan(i * MerkleTree.HashSize, MerkleTree.HashSize));
        }

        _leafStarts[count] = _length;
        Span<byte> root = stackalloc byte[MerkleTree.HashSize];
        MerkleTree.Build(_leafHashes, count, root, _paths, _pathLengths);
        signature ??= Sign(root, count);
        var encodedSignature = JsonEncodedText.Encode(signature);

        // Pass 2: the events, their attribute values read back from the leaves.
        var events = new RelayEvent[count];
        var maxPath = MerkleTree.MaxPathLength(count);
        for (var i = 0; i < count; i++)
        {
            var path = _paths.AsSpan(i * maxPath * MerkleTree.HashSize, _pathLengths[i] * MerkleTree.HashSize);
            events[i] = new RelayEvent(records[i].Position, WriteEvent(i, records[i].Record.Payload, encodedSignature, path));
        }

        return new RelayBatch(events, signature);
    }

    public void Dispose()
    {
        _sha256.Dispose();
        _writer.Dispose();
    }

    private void Prepare(int count)
    {
        if (_leafStarts.Length < count + 1)
        {
            _leafStarts = new int[count + 1];
        }

        var maxPath = MerkleTree.MaxPathLength(count);
        if (_leafHashes.Length < count * MerkleTree.HashSize)
        {
            _leafHashes = new byte[count * MerkleTree.HashSize];
            _pathLengths = new int[count];
        }

        if (_paths.Length < count * maxPath * MerkleTree.HashSize)
        {
            _paths = new byte[count * maxPath * MerkleTree.HashSize];
        }

        var pathText = Base64Url.GetEncodedLength(maxPath * MerkleTree.HashSize);
        if (_text.Length < Math.Max(pathText, 32))
        {
            _text = new byte[pathText];
        }
    }

    /// <summary>
    /// 0x00, then each field as a 4-byte big-endian length and its bytes: the label, the attributes
    /// of <see cref="LeafAttributes"/> as UTF-8 text exactly as the event carries them, and the
    /// data's length (the data bytes themselves are hashed straight from the record).
    /// </summary>
    private void EncodeLeaf(CommittedRecord committed)
    {
        var r = committed.Record;
        var room = 512 + (3 * ((3 * r.DeviceId.Length) + r.Tenant.Length + r.Topic.Length + (r.ContentType?.Length ?? 0) + r.Signature.Length));
        if (_leaves.Length - _length < room)
        {
            Array.Resize(ref _leaves, Math.Max(2 * _leaves.Length, _length + room));
        }

        _leaves[_length++] = MerkleTree.LeafPrefix;
        Field(LabelBytes);
        Field(SpecVersionValue);

        var id = Begin();
        Utf8(r.DeviceId);
        Byte('/');
        Number(r.CredentialGeneration);
        Byte('/');
        Number(r.Epoch);
        Byte('/');
        Number(r.Sequence);
        End(id);

        var source = Begin();
        Bytes(SourcePrefix);
        Utf8(r.DeviceId);
        End(source);

        Field(EventTypeValue);
        Text(r.Topic);

        var time = Begin();
        DateTimeOffset.FromUnixTimeMilliseconds(r.GatewayTime).UtcDateTime.TryFormat(_leaves.AsSpan(_length), out var written, TimeFormat, CultureInfo.InvariantCulture);
        _length += written;
        End(time);

        Text(r.ContentType ?? string.Empty);
        Text(r.DeviceId);
        Text(r.Tenant);
        NumberField(r.CredentialGeneration);
        NumberField(r.Epoch);
        NumberField(r.Sequence);
        NumberField(r.DeviceTime);
        NumberField(r.GatewayTime);
        NumberField(committed.Position);
        Text(r.Signature);

        BinaryPrimitives.WriteUInt32BigEndian(_leaves.AsSpan(_length), (uint)r.Payload.Length);
        _length += sizeof(uint);
    }

    private string Sign(ReadOnlySpan<byte> root, int count)
    {
        Span<byte> rootText = stackalloc byte[Base64Url.GetEncodedLength(MerkleTree.HashSize)];
        Base64Url.EncodeToUtf8(root, rootText);
        Reset();
        _writer.WriteStartObject();
        _writer.WriteString("iss"u8, _signer.Issuer);
        _writer.WriteNumber("iat"u8, _time.GetUtcNow().ToUnixTimeSeconds());
        _writer.WriteNumber("tree_size"u8, count);
        _writer.WriteString("root_hash"u8, rootText);
        _writer.WriteEndObject();
        _writer.Flush();
        return _signer.Sign(_json.WrittenSpan, BatchSignatureType);
    }

    private byte[] WriteEvent(int leaf, byte[] payload, JsonEncodedText signature, ReadOnlySpan<byte> path)
    {
        Reset();
        _writer.WriteStartObject();
        var fields = _leaves.AsSpan(_leafStarts[leaf] + 1, _leafStarts[leaf + 1] - _leafStarts[leaf] - 1 - sizeof(uint));
        fields = fields[(sizeof(uint) + LabelBytes.Length)..];
        for (var attribute = 0; attribute < LeafAttributes.Length; attribute++)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(fields);
            var value = fields.Slice(sizeof(uint), length);
            fields = fields[(sizeof(uint) + length)..];
            if (attribute != ContentTypeAttribute || length > 0)
            {
                _writer.WriteString(LeafAttributes[attribute], value);
            }
        }

        _writer.WriteString(GatewaySignature, signature);
        leaf.TryFormat(_text, out var indexLength, default, CultureInfo.InvariantCulture);
        _writer.WriteString(LeafIndex, _text.AsSpan(0, indexLength));
        var pathLength = Base64Url.EncodeToUtf8(path, _text);
        _writer.WriteString(AuditPath, _text.AsSpan(0, pathLength));
        _writer.WriteBase64String(DataBase64, payload);
        _writer.WriteEndObject();
        _writer.Flush();
        return _json.WrittenSpan.ToArray();
    }

    private void Reset()
    {
        _json.ResetWrittenCount();
        _writer.Reset(_json);
    }

    private int Begin()
    {
        _length += sizeof(uint);
        return _length;
    }

    private void End(int start) => BinaryPrimitives.WriteUInt32BigEndian(_leaves.AsSpan(start - sizeof(uint)), (uint)(_length - start));

    private void Field(ReadOnlySpan<byte> value)
    {
        var start = Begin();
        Bytes(value);
        End(start);
    }

    private void Text(string value)
    {
        var start = Begin();
        Utf8(value);
        End(start);
    }

    private void NumberField(long value)
    {
        var start = Begin();
        Number(value);
        End(start);
    }

    private void Bytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_leaves.AsSpan(_length));
        _length += value.Length;
    }

    private void Byte(char value) => _leaves[_length++] = (byte)value;

    private void Utf8(string value) => _length += Encoding.UTF8.GetBytes(value, _leaves.AsSpan(_length));

    private void Number(long value)
    {
        value.TryFormat(_leaves.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture);
        _length += written;
    }
}
