using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using M2M.Gateway.Journal;

namespace M2M.Gateway.Relay;

/// <summary>
/// Turns a journal record into the CloudEvents 1.0 event every sink delivers (JSON event format,
/// structured mode), carrying its provenance and the gateway's signature over it
/// (docs/ingress.md, "Relayed records").
/// </summary>
public sealed class CloudEventRecord(IRecordSigner signer, IConfiguration configuration)
{
    /// <summary>The CloudEvents type of a telemetry record.</summary>
    public const string EventType = "io.m2m.telemetry.v1";

    /// <summary>The JWS <c>typ</c> of the gateway signature.</summary>
    public const string SignatureType = "m2m-record+jwt";

    private readonly string _issuer = configuration["Gateway:Issuer"] ?? "urn:m2m:gateway";

    /// <summary>The event as one line of UTF-8 JSON (no newline).</summary>
    public byte[] Build(JournalRecord record)
    {
        var id = $"{record.DeviceId}/{record.CredentialGeneration}/{record.Epoch}/{record.Sequence}";
        var source = $"/devices/{record.DeviceId}";
        var time = DateTimeOffset.FromUnixTimeMilliseconds(record.GatewayTime).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

        // The signed claims repeat the provenance attributes and bind the exact payload bytes by
        // their SHA-256, so a consumer checks the event without trusting any hop (docs/ingress.md).
        var claims = new Dictionary<string, object?>
        {
            ["iss"] = _issuer,
            ["id"] = id,
            ["source"] = source,
            ["subject"] = record.Topic,
            ["device"] = record.DeviceId,
            ["tenant"] = record.Tenant,
            ["generation"] = record.CredentialGeneration,
            ["epoch"] = record.Epoch,
            ["seq"] = record.Sequence,
            ["devicetime"] = record.DeviceTime,
            ["gatewaytime"] = record.GatewayTime,
            ["datacontenttype"] = record.ContentType,
            ["data_sha256"] = Base64Url.EncodeToString(SHA256.HashData(record.Payload)),
        };
        var signature = signer.Sign(JsonSerializer.SerializeToUtf8Bytes(claims), SignatureType);

        var cloudEvent = new Dictionary<string, object?>
        {
            ["specversion"] = "1.0",
            ["id"] = id,
            ["source"] = source,
            ["type"] = EventType,
            ["subject"] = record.Topic,
            ["time"] = time,
            ["m2mdevice"] = record.DeviceId,
            ["m2mtenant"] = record.Tenant,
            ["m2mgeneration"] = record.CredentialGeneration.ToString(CultureInfo.InvariantCulture),
            ["m2mepoch"] = record.Epoch.ToString(CultureInfo.InvariantCulture),
            ["m2mseq"] = record.Sequence.ToString(CultureInfo.InvariantCulture),
            ["m2mdevicetime"] = record.DeviceTime.ToString(CultureInfo.InvariantCulture),
            ["m2mgatewaytime"] = record.GatewayTime.ToString(CultureInfo.InvariantCulture),
            ["m2mposition"] = record.Position.ToString(CultureInfo.InvariantCulture),
            ["m2mdevicesig"] = record.Signature,
            ["m2mgatewaysig"] = signature,
        };
        if (record.ContentType != null)
        {
            cloudEvent["datacontenttype"] = record.ContentType;
        }

        cloudEvent["data_base64"] = Convert.ToBase64String(record.Payload);
        return JsonSerializer.SerializeToUtf8Bytes(cloudEvent);
    }

    /// <summary>The journal position an event carries (<c>m2mposition</c>).</summary>
    public static long ReadPosition(ReadOnlySpan<byte> eventJson)
    {
        var reader = new Utf8JsonReader(eventJson);
        using var document = JsonDocument.ParseValue(ref reader);
        return long.Parse(document.RootElement.GetProperty("m2mposition").GetString()!, CultureInfo.InvariantCulture);
    }
}
