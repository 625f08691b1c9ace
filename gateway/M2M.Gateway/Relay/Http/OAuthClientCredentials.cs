using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace M2M.Gateway.Relay.Http;

/// <summary>
/// An access token from the OAuth 2.0 client credentials grant (RFC 6749 section 4.4), the client
/// authenticated with its secret (<c>client_secret_basic</c>, RFC 6749 section 2.3.1;
/// <c>client_secret_post</c>) or a private-key JWT assertion (<c>private_key_jwt</c>, RFC 7523
/// sections 2.2 and 3). The token is kept and used until <see cref="HttpAuthOptions.RefreshBefore"/>
/// before it expires (the gateway's clock), then renewed before the next request; a 401 from the
/// backend renews it at once. Stages of a renewal, in order: authenticate the client, request the
/// token, read the answer.
/// </summary>
public sealed class OAuthClientCredentials(HttpAuthOptions options, SinkCredentialStore credentials, HttpClient tokenClient, TimeProvider time) : ISinkAuthenticator, IDisposable
{
    private const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static readonly TimeSpan AssertionLifetime = TimeSpan.FromSeconds(60);
    private readonly SemaphoreSlim _renewal = new(1, 1);
    private string? _token;
    private DateTimeOffset _renewAt;

    public bool CanRenew => true;

    public async ValueTask<AuthenticationHeaderValue?> AuthorizeAsync(bool renew, CancellationToken cancellationToken)
    {
        var used = _token;
        if (!renew && used != null && time.GetUtcNow() < _renewAt)
        {
            return new AuthenticationHeaderValue("Bearer", used);
        }

        await _renewal.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another request may have renewed it while this one waited.
            if (_token != null && _token != used && time.GetUtcNow() < _renewAt)
            {
                return new AuthenticationHeaderValue("Bearer", _token);
            }

            _token = null;
            var (token, lifetime) = await RequestTokenAsync(cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            _renewAt = lifetime is { } seconds
                ? now + TimeSpan.FromSeconds(Math.Max(seconds - options.RefreshBefore.TotalSeconds, seconds / 2.0))
                : DateTimeOffset.MaxValue;
            _token = token;
            return new AuthenticationHeaderValue("Bearer", token);
        }
        finally
        {
            _renewal.Release();
        }
    }

    public void Dispose() => _renewal.Dispose();

    private async Task<(string Token, double? Lifetime)> RequestTokenAsync(CancellationToken cancellationToken)
    {
        var endpoint = options.TokenEndpoint!;
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        if (!string.IsNullOrEmpty(options.Scope))
        {
            form.Add(new("scope", options.Scope));
        }

        form.AddRange(options.Parameters);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        await AuthenticateClientAsync(request, form, cancellationToken).ConfigureAwait(false);
        request.Content = new FormUrlEncodedContent(form);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        HttpResponseMessage response;
        try
        {
            response = await tokenClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new SinkAuthenticationException("token_endpoint_unreachable", exception);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SinkAuthenticationException("token_endpoint_timeout", exception);
        }

        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return ReadAnswer(response.StatusCode, body);
        }
    }

    /// <summary>Stage "authenticate the client": RFC 6749 section 2.3.1, or RFC 7523 section 2.2.</summary>
    private async Task AuthenticateClientAsync(HttpRequestMessage request, List<KeyValuePair<string, string>> form, CancellationToken cancellationToken)
    {
        var clientId = options.ClientId!;
        var secret = await StaticAuthenticator.CredentialValueAsync(credentials, options.Credential!, cancellationToken).ConfigureAwait(false);
        switch (options.ClientAuthentication)
        {
            case HttpAuthSchemes.ClientSecretPost:
                form.Add(new("client_id", clientId));
                form.Add(new("client_secret", secret));
                break;
            case HttpAuthSchemes.PrivateKeyJwt:
                form.Add(new("client_id", clientId));
                form.Add(new("client_assertion_type", AssertionType));
                form.Add(new("client_assertion", Assertion(clientId, secret)));
                break;
            default:
                // Section 2.3.1: the id and secret are form-encoded before they are joined and base64-encoded.
                var pair = $"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}".Replace("%20", "+", StringComparison.Ordinal);
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
                break;
        }
    }

    /// <summary>
    /// RFC 7523 section 3: iss and sub the client id, aud the token endpoint, a short exp, and a jti
    /// the server may use to refuse a replay; signed ES256 (EC P-256 key) or RS256 (RSA key).
    /// </summary>
    private string Assertion(string clientId, string pem)
    {
        using var signer = SigningKey.FromPem(pem);
        var now = time.GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = clientId,
            Audience = options.AssertionAudience ?? options.TokenEndpoint!.AbsoluteUri,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + AssertionLifetime,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = clientId,
                [JwtRegisteredClaimNames.Jti] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            },
            SigningCredentials = signer.Credentials(options.KeyId),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>Stage "read the answer": RFC 6749 section 5.1 (success) or 5.2 (error).</summary>
    private static (string Token, double? Lifetime) ReadAnswer(HttpStatusCode status, byte[] body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw new SinkAuthenticationException($"token_endpoint_http_{(int)status}");
        }

        using (document)
        {
            return ReadAnswer(status, document.RootElement);
        }
    }

    private static (string Token, double? Lifetime) ReadAnswer(HttpStatusCode status, JsonElement root)
    {
        if (status != HttpStatusCode.OK)
        {
            // The error code is one of section 5.2's ASCII codes; anything else is named by the status.
            var error = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            throw new SinkAuthenticationException(error != null && error.Length <= 40 && error.All(c => char.IsAsciiLetterLower(c) || c == '_')
                ? error
                : $"token_endpoint_http_{(int)status}");
        }

        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("access_token", out var token) || token.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(token.GetString()))
        {
            throw new SinkAuthenticationException("token_response_invalid");
        }

        if (!root.TryGetProperty("token_type", out var type) || !string.Equals(type.GetString(), "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw new SinkAuthenticationException("token_type_unsupported");
        }

        double? lifetime = root.TryGetProperty("expires_in", out var expires) && expires.ValueKind == JsonValueKind.Number && expires.GetDouble() > 0
            ? expires.GetDouble()
            : null;
        return (token.GetString()!, lifetime);
    }

    /// <summary>An EC P-256 or RSA private key from PEM (PKCS#8, SEC 1 or PKCS#1), and its JWS algorithm.</summary>
    private sealed class SigningKey : IDisposable
    {
        private readonly AsymmetricAlgorithm _key;

        private SigningKey(AsymmetricAlgorithm key) => _key = key;

        public static SigningKey FromPem(string pem)
        {
            var ec = ECDsa.Create();
            try
            {
                ec.ImportFromPem(pem);
                if (ec.KeySize != 256)
                {
                    throw new SinkAuthenticationException("key_invalid");
                }

                return new SigningKey(ec);
            }
            catch (Exception exception) when (exception is ArgumentException or CryptographicException)
            {
                ec.Dispose();
            }

            var rsa = RSA.Create();
            try
            {
                rsa.ImportFromPem(pem);
                return new SigningKey(rsa);
            }
            catch (Exception exception) when (exception is ArgumentException or CryptographicException)
            {
                rsa.Dispose();
                throw new SinkAuthenticationException("key_invalid");
            }
        }

        public SigningCredentials Credentials(string? keyId)
        {
            var credentials = _key switch
            {
                ECDsa ec => new SigningCredentials(new ECDsaSecurityKey(ec) { KeyId = keyId }, SecurityAlgorithms.EcdsaSha256),
                RSA rsa => new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = keyId }, SecurityAlgorithms.RsaSha256),
                _ => throw new InvalidOperationException(),
            };

            // The key is loaded for one assertion and disposed after it: the library's shared cache
            // of signature providers would otherwise hand the next assertion this disposed key.
            credentials.CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false };
            return credentials;
        }

        public void Dispose() => _key.Dispose();
    }
}
