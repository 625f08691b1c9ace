using System.Text.Json.Serialization;
using M2M.Gateway.Ingress;
using M2M.Gateway.Tokens;
using M2M.Gateway.Tokens.Revocation;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Keys;

/// <summary>
/// Authorization server metadata (RFC 8414 section 2), identical at both well-known paths, with the
/// MQTT ingress's ports as additional members (RFC 8414 section 2 lets a server add its own;
/// docs/protocol.md section 4 defines them), absent when that listener is off.
/// </summary>
public sealed record ServerMetadata(
    [property: JsonPropertyName("issuer")] string Issuer,
    [property: JsonPropertyName("token_endpoint")] string TokenEndpoint,
    [property: JsonPropertyName("jwks_uri")] string JwksUri,
    [property: JsonPropertyName("grant_types_supported")] IReadOnlyList<string> GrantTypesSupported,
    [property: JsonPropertyName("token_endpoint_auth_methods_supported")] IReadOnlyList<string> TokenEndpointAuthMethodsSupported,
    [property: JsonPropertyName("token_endpoint_auth_signing_alg_values_supported")] IReadOnlyList<string> TokenEndpointAuthSigningAlgValuesSupported,
    [property: JsonPropertyName("response_types_supported")] IReadOnlyList<string> ResponseTypesSupported,
    [property: JsonPropertyName("revocation_endpoint")] string RevocationEndpoint,
    [property: JsonPropertyName("revocation_endpoint_auth_methods_supported")] IReadOnlyList<string> RevocationEndpointAuthMethodsSupported,
    [property: JsonPropertyName("introspection_endpoint")] string IntrospectionEndpoint,
    [property: JsonPropertyName("introspection_endpoint_auth_methods_supported")] IReadOnlyList<string> IntrospectionEndpointAuthMethodsSupported,
    [property: JsonPropertyName("m2m_mqtt_tls_port"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? MqttTlsPort,
    [property: JsonPropertyName("m2m_mqtt_port"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? MqttPort);

[JsonSerializable(typeof(ServerMetadata))]
[JsonSerializable(typeof(JwkSet))]
internal sealed partial class DiscoveryJson : JsonSerializerContext;

/// <summary>The JWKS (docs/protocol.md section 4) and the server metadata of RFC 8414 / OpenID Connect Discovery.</summary>
public static class DiscoveryEndpoints
{
    public const string JwksPath = "/.well-known/jwks.json";
    public const string OAuthMetadataPath = "/.well-known/oauth-authorization-server";
    public const string OpenIdMetadataPath = "/.well-known/openid-configuration";

    // Verifiers may cache the JWKS this long; SigningKeyOptions.PublishAhead must stay well above it
    // so a new key is in every cache before it signs.
    private const string JwksCacheControl = "public, max-age=300";

    /// <summary>Maps the three well-known documents.</summary>
    public static IEndpointRouteBuilder MapDiscovery(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(JwksPath, (SigningKeyRing keys, HttpContext context) =>
        {
            context.Response.Headers.CacheControl = JwksCacheControl;
            return Results.Json(keys.Jwks(), DiscoveryJson.Default.JwkSet, "application/jwk-set+json");
        }).WithName("GetJwks");
        endpoints.MapGet(OAuthMetadataPath, Metadata).WithName("GetAuthorizationServerMetadata");
        endpoints.MapGet(OpenIdMetadataPath, Metadata).WithName("GetOpenIdConfiguration");
        return endpoints;
    }

    private static IResult Metadata(GatewayIssuer issuer, IOptions<MqttIngressOptions> mqtt) => Results.Json(
        new ServerMetadata(
            issuer.Issuer,
            issuer.TokenEndpoint,
            issuer.Issuer + JwksPath,
            // RFC 6749 section 4.4: devices authenticate with an RFC 7523 HS256 assertion, which RFC
            // 8414 names client_secret_jwt (OpenID Connect Core section 9); service clients with their
            // secret (RFC 6749 section 2.3.1), or exchange a federation source's JWT (RFC 7523 section 2.1).
            ["client_credentials", ValidateTokenRequest.JwtBearerGrant],
            ["client_secret_jwt", "client_secret_basic", "client_secret_post"],
            ["HS256"],
            // No authorization endpoint, so no response types.
            [],
            // RFC 8414 section 2: a device revokes its own tokens with its assertion; an admin API
            // credential is a bearer token (RFC 6750), the method name RFC 8414 leaves to registries.
            issuer.Issuer + TokenRevocationEndpoints.RevocationPath,
            ["client_secret_jwt", "bearer"],
            issuer.Issuer + TokenRevocationEndpoints.IntrospectionPath,
            ["bearer"],
            // Provisioning tools write these into a device's credential instead of assuming 8883.
            mqtt.Value.TlsPort > 0 ? mqtt.Value.TlsPort : null,
            mqtt.Value.Port > 0 ? mqtt.Value.Port : null),
        DiscoveryJson.Default.ServerMetadata);
}
