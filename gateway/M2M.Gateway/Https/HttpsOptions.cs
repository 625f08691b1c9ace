namespace M2M.Gateway.Https;

/// <summary>
/// Configuration section <c>Gateway:Https</c> (docs/tokens.md "HTTPS"). HTTPS listens on every
/// <c>https://</c> address of <c>Urls</c>; the certificate is the operator's when
/// <see cref="CertificatePath"/> is set, otherwise one issued by the gateway's development CA.
/// </summary>
public sealed class HttpsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Gateway:Https";

    /// <summary>The operator's certificate: PKCS#12 (.pfx/.p12) or PEM (.pem/.crt).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key file of a PEM certificate (when the key is not in the certificate file).</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>The password of the PKCS#12 file or of an encrypted PEM key.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Host names the development certificate is issued for, besides localhost.</summary>
    public List<string> DnsNames { get; set; } = [];

    /// <summary>IP addresses the development certificate is issued for, besides 127.0.0.1 and ::1.</summary>
    public List<string> IpAddresses { get; set; } = [];

    /// <summary>Lifetime of the development server certificate, issued again at every start (default 90 days).</summary>
    public TimeSpan ServerCertificateLifetime { get; set; } = TimeSpan.FromDays(90);
}
