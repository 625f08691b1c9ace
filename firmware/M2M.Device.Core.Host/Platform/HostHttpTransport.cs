using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;
using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Host.Platform;

/// <summary>
/// The token request over System.Net.Http, with a timeout, trusting either the system's roots or
/// only the provisioned CA (the credential's PEM), as the board does.
/// </summary>
public sealed class HostHttpTransport : IHttpTransport, IDisposable
{
    private readonly HttpClient _client;

    /// <summary>A transport with the given timeout; <paramref name="caCertificatePem"/> (empty: system roots) is the only root trusted.</summary>
    public HostHttpTransport(TimeSpan timeout, string? caCertificatePem)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false };
        if (!string.IsNullOrEmpty(caCertificatePem))
        {
            var root = X509Certificate2.CreateFromPem(caCertificatePem);
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustsOnly(root, certificate, errors),
            };
        }

        _client = new HttpClient(handler) { Timeout = timeout };
    }

    /// <inheritdoc />
    public HttpResult PostForm(string url, string formBody, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(formBody, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        if (authorization != null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        try
        {
            using var response = _client.Send(request);
            using var reader = new System.IO.StreamReader(response.Content.ReadAsStream(), Encoding.UTF8);
            var body = reader.ReadToEnd();
            return new HttpResult((int)response.StatusCode, body, Header(response.Headers, "Date"), Header(response.Headers, "Retry-After"));
        }
        catch (HttpRequestException exception)
        {
            return HttpResult.NoResponse(exception.HttpRequestError.ToString());
        }
        catch (TaskCanceledException)
        {
            return HttpResult.NoResponse("timeout");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private static string? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    private static bool TrustsOnly(X509Certificate2 root, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate == null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
