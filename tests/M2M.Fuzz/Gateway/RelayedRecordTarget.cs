using System.Text.Json;
using M2M.Gateway.Keys;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.Tokens;

namespace M2M.Fuzz.Gateway;

/// <summary>
/// A relayed record as a consumer reads it (docs/ingress.md, "Verifying a record"): the CloudEvent
/// JSON line, verified by the reference consumer <see cref="RecordVerifier"/> against the gateway's
/// published JWKS (tests/fuzz/gateway-data's keys, so the corpus's real records verify). A consumer
/// receives these lines from sinks and queues that anyone between may alter: every alteration must
/// be a refusal, never an exception. Checks that the verifier answers with one of its refusals.
/// </summary>
public sealed class RelayedRecordTarget : FuzzTarget
{
    /// <summary>The record verifies.</summary>
    public const string Verified = "verified";

    /// <summary>The line is not a JSON object (the consumer's JSON reader refuses it).</summary>
    public const string NotJson = "not_json";

    private static readonly HashSet<string> ReasonSet =
    [
        Verified, NotJson, "malformed", "uncovered_attribute", "not_compact_jws", "wrong_alg_or_typ", "unknown_kid", "bad_jws_signature",
        "wrong_issuer", "bad_leaf_index", "bad_audit_path",
    ];

    // RecordVerifier's refusals by their text (it answers in sentences), to stable labels.
    private static readonly (string Prefix, string Label)[] Labels =
    [
        ("malformed:", "malformed"), ("attribute ", "uncovered_attribute"), ("m2mgatewaysig is not", "not_compact_jws"),
        ("not an ES256", "wrong_alg_or_typ"), ("no published key", "unknown_kid"), ("the JWS signature", "bad_jws_signature"),
        ("the JWS iss", "wrong_issuer"), ("m2mleafindex", "bad_leaf_index"), ("the audit path", "bad_audit_path"),
    ];

    private readonly Func<string, System.Security.Cryptography.ECDsa?> _keys =
        RecordVerifier.KeysOf(JsonSerializer.Serialize(GatewayParts.Get<SigningKeyRing>().Jwks(), KeyRingJson.Default.JwkSet));

    private readonly string _issuer = GatewayParts.Get<GatewayIssuer>().Issuer;

    public override string Name => "relayed-record";

    public override string Side => "gateway";

    public override IReadOnlySet<string> Reasons => ReasonSet;

    public override string Run(byte[] input)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(input);
        }
        catch (JsonException)
        {
            return NotJson;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return NotJson;
            }

            var refusal = RecordVerifier.Check(document.RootElement, _keys, _issuer);
            return refusal == null ? Verified : Labels.FirstOrDefault(l => refusal.StartsWith(l.Prefix, StringComparison.Ordinal)).Label ?? refusal;
        }
    }
}
