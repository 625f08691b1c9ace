using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace M2M.Bench.Fleet;

/// <summary>
/// The gateway's HTTP side as the load generator uses it: the admin API to provision devices
/// (POST /admin/v1/devices) and the token endpoint (docs/protocol.md section 3).
/// </summary>
public sealed class GatewayApi : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _tokenEndpoint;
    private readonly AuthenticationHeaderValue _admin;
    private int _provisionRetries;

    public GatewayApi(Uri baseAddress, string adminKey)
    {
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        _admin = new AuthenticationHeaderValue("Bearer", adminKey);
        _tokenEndpoint = new Uri(baseAddress, "/oauth2/token").ToString();
    }

    /// <summary>
    /// Registers a device and returns it with the secret the gateway generated. A 5xx answer is
    /// retried a few times (an operator's tool would too); each retry is counted in <see cref="ProvisionRetries"/>.
    /// </summary>
    public async Task<BenchDevice> ProvisionAsync(string id, string tenant, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/v1/devices") { Content = JsonContent.Create(new { id, tenant, roles = Array.Empty<string>() }) };
            request.Headers.Authorization = _admin;
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if ((int)response.StatusCode >= 500 && attempt < 5)
            {
                Interlocked.Increment(ref _provisionRetries);
                await Task.Delay(200 * attempt, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"provisioning {id}: HTTP {(int)response.StatusCode}");
            }

            using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
            var secret = Base64Url.DecodeFromChars(body.RootElement.GetProperty("secret").GetString());
            return new BenchDevice(id, secret);
        }
    }

    /// <summary>Provisioning requests answered 5xx and retried.</summary>
    public int ProvisionRetries => Volatile.Read(ref _provisionRetries);

    /// <summary>Provisions <paramref name="count"/> devices named <c>{prefix}-{n}</c>, several at a time.</summary>
    public async Task<BenchDevice[]> ProvisionManyAsync(string prefix, int count, string tenant, CancellationToken cancellationToken)
    {
        var devices = new BenchDevice[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (i, ct) =>
            devices[i] = await ProvisionAsync($"{prefix}-{i:D5}", tenant, ct).ConfigureAwait(false)).ConfigureAwait(false);
        return devices;
    }

    /// <summary>
    /// The client credentials grant with a client assertion (RFC 6749 section 4.4, RFC 7523 section 2.2).
    /// Returns the access token, or null with the OAuth error when refused.
    /// </summary>
    public async Task<(string? Token, string? Error)> RequestTokenAsync(BenchDevice device, CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = device.CreateAssertion(_tokenEndpoint),
        });
        // The token endpoint authenticates the device by its assertion alone: no admin key here.
        using var response = await _http.PostAsync("/oauth2/token", content, cancellationToken).ConfigureAwait(false);
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode
            ? (body.RootElement.GetProperty("access_token").GetString(), null)
            : (null, body.RootElement.TryGetProperty("error", out var error) ? error.GetString() : $"http_{(int)response.StatusCode}");
    }

    public void Dispose() => _http.Dispose();
}
