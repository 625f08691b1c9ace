using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace M2M.Cli.Common;

/// <summary>
/// The HTTP handler m2m reaches the gateway with. With a CA certificate (<c>--ca-cert</c>, such as the
/// gateway's development CA) the gateway's certificate chain must end at that CA instead of the
/// system's roots; the host name is still checked against the certificate (RFC 9110 section 4.3.4).
/// </summary>
public static class GatewayHttp
{
    /// <summary>A handler trusting <paramref name="trustedCa"/> only, or the system's roots when it is null.</summary>
    public static HttpMessageHandler CreateHandler(X509Certificate2Collection? trustedCa)
    {
        var handler = new SocketsHttpHandler();
        if (trustedCa is { Count: > 0 })
        {
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                // A private CA publishes no revocation list the client could fetch.
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(trustedCa);
            handler.SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy };
        }

        return handler;
    }

    /// <summary>The certificates of a PEM text; fails with a usage error when it holds none.</summary>
    public static X509Certificate2Collection ParseCaPem(string pem, string source)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new CliException(ExitCodes.Usage, $"{source} is not a PEM certificate: {e.Message}");
        }

        return certificates.Count > 0 ? certificates : throw new CliException(ExitCodes.Usage, $"{source} holds no PEM certificate");
    }
}
