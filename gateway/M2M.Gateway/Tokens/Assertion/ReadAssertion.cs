using System.Buffers.Text;
using System.Text.Json;
using M2M.Gateway.Registry;

namespace M2M.Gateway.Tokens.Assertion;

/// <summary>
/// Stage 1: parses the compact JWS (RFC 7515 section 7.1) strictly: three base64url parts, JSON
/// objects without duplicate members, <c>alg</c> exactly HS256 (section 3.2 refuses every other,
/// <c>none</c> included) and no <c>crit</c> header (RFC 7515 section 4.1.11), and the claims of
/// RFC 7523 section 3 present with their JSON types. Member order and whitespace do not matter.
/// </summary>
public sealed class ReadAssertion : IAssertionStage
{
    // A jti is 1 to 128 characters (docs/protocol.md section 3.2).
    private const int MaxJtiLength = 128;

    public ValueTask<TokenReason?> RunAsync(AssertionContext context, CancellationToken cancellationToken) => ValueTask.FromResult(Read(context));

    private static TokenReason? Read(AssertionContext context)
    {
        var parts = context.Assertion.Split('.');
        // An empty signature is well-formed (alg "none" has one); it is refused for its alg below.
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            return TokenReason.MalformedAssertion;
        }

        try
        {
            using var header = ParseObject(parts[0]);
            using var payload = ParseObject(parts[1]);
            if (header == null || payload == null)
            {
                return TokenReason.MalformedAssertion;
            }

            context.Signature = Base64Url.DecodeFromChars(parts[2]);
            context.SigningInput = parts[0] + "." + parts[1];
            var h = header.RootElement;
            if (!h.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String)
            {
                return TokenReason.MalformedAssertion;
            }

            if (!string.Equals(alg.GetString(), "HS256", StringComparison.Ordinal) || h.TryGetProperty("crit", out _))
            {
                return TokenReason.UnsupportedAlgorithm;
            }

            return ReadClaims(context, payload.RootElement);
        }
        catch (Exception exception) when (exception is FormatException or JsonException or InvalidOperationException)
        {
            // InvalidOperationException: JsonDocument accepts a string whose bytes are not UTF-8 and
            // throws only when it is read (found by fuzzing: tests/fuzz/token-request/regressions).
            return TokenReason.MalformedAssertion;
        }
    }

    private static TokenReason? ReadClaims(AssertionContext context, JsonElement claims)
    {
        string[] required = ["iss", "sub", "aud", "jti", "iat", "exp"];
        if (required.Any(name => !claims.TryGetProperty(name, out _)))
        {
            return TokenReason.MissingClaim;
        }

        var iss = claims.GetProperty("iss");
        var sub = claims.GetProperty("sub");
        var jti = claims.GetProperty("jti");
        if (iss.ValueKind != JsonValueKind.String || sub.ValueKind != JsonValueKind.String || jti.ValueKind != JsonValueKind.String
            || !TryReadAudiences(claims.GetProperty("aud"), out var audiences)
            || !TryReadTime(claims.GetProperty("iat"), out var iat) || !TryReadTime(claims.GetProperty("exp"), out var exp))
        {
            return TokenReason.InvalidClaim;
        }

        long? nbf = null;
        if (claims.TryGetProperty("nbf", out var nbfElement))
        {
            if (!TryReadTime(nbfElement, out var value))
            {
                return TokenReason.InvalidClaim;
            }

            nbf = value;
        }

        var jwtId = jti.GetString()!;
        if (jwtId.Length is 0 or > MaxJtiLength)
        {
            return TokenReason.InvalidClaim;
        }

        var subject = sub.GetString()!;
        context.DeviceId = DeviceNames.IsValidDeviceId(subject) ? subject : null;
        context.Claims = new AssertionClaims(iss.GetString()!, subject, audiences, jwtId, iat, exp, nbf);
        return null;
    }

    /// <summary>A base64url JSON object, or null when it is not one or repeats a member name (RFC 7515 section 4, RFC 7519 section 4).</summary>
    private static JsonDocument? ParseObject(string part)
    {
        var document = JsonDocument.Parse(Base64Url.DecodeFromChars(part));
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return null;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in document.RootElement.EnumerateObject())
        {
            if (!names.Add(member.Name))
            {
                document.Dispose();
                return null;
            }
        }

        return document;
    }

    /// <summary><c>aud</c> is a string or an array of strings (RFC 7519 section 4.1.3).</summary>
    private static bool TryReadAudiences(JsonElement aud, out IReadOnlyList<string> audiences)
    {
        audiences = [];
        if (aud.ValueKind == JsonValueKind.String)
        {
            audiences = [aud.GetString()!];
            return true;
        }

        if (aud.ValueKind != JsonValueKind.Array || aud.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String))
        {
            return false;
        }

        audiences = [.. aud.EnumerateArray().Select(a => a.GetString()!)];
        return audiences.Count > 0;
    }

    /// <summary>A NumericDate (RFC 7519 section 2): whole seconds here, as the device writes them.</summary>
    private static bool TryReadTime(JsonElement element, out long seconds)
    {
        seconds = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out seconds) && seconds > 0;
    }
}
