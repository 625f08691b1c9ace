using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using M2M.Gateway.Hosting;
using M2M.Gateway.Secrets;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Https;

/// <summary>
/// The gateway's TLS certificate, for HTTPS (Kestrel) and the MQTT TLS listener. With an operator
/// certificate configured, that one. Otherwise a development CA is created on first start
/// (ECDSA P-256, ten years; its key encrypted with <see cref="ISecretProtector"/>, its certificate
/// exported as <see cref="CaFileName"/> in the data folder and served at <see cref="CaPath"/>), and
/// at every start it issues a server certificate for localhost, 127.0.0.1, ::1 and the configured
/// names. A board trusts the CA certificate once and then every certificate the gateway issues.
/// </summary>
public sealed class GatewayCertificate : IDisposable
{
    /// <summary>The CA certificate in the data folder.</summary>
    public const string CaFileName = "m2m-dev-ca.pem";

    /// <summary>Where the CA certificate is served.</summary>
    public const string CaPath = "/.well-known/m2m/ca.pem";

    /// <summary>The CA's private key in the data folder, encrypted under the master key.</summary>
    public const string KeyFileName = "m2m-dev-ca.key";
    private const string KeyPurpose = "m2m/dev-ca-key";
    private static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3650);

    // Devices' clocks may lag behind (section 3.4); a certificate valid from yesterday still works.
    private static readonly TimeSpan Backdate = TimeSpan.FromDays(1);

    public GatewayCertificate(IOptions<HttpsOptions> options, ISecretProtector protector, DataDirectory data, TimeProvider time)
    {
        var o = options.Value;
        if (!string.IsNullOrEmpty(o.CertificatePath))
        {
            Server = LoadOperatorCertificate(o);
            return;
        }

        using var ca = LoadOrCreateCa(protector, data, time);
        CaPem = ca.ExportCertificatePem();
        Server = Issue(ca, o, time.GetUtcNow());
    }

    /// <summary>The server certificate with its private key.</summary>
    public X509Certificate2 Server { get; }

    /// <summary>The development CA certificate (PEM); null when the operator supplied the certificate.</summary>
    public string? CaPem { get; }

    public void Dispose() => Server.Dispose();

    /// <summary>Loads a PKCS#12 file, or a PEM certificate with its key (in the same file or <see cref="HttpsOptions.CertificateKeyPath"/>).</summary>
    public static X509Certificate2 LoadCertificate(string path, string? keyPath, string? password)
    {
        if (path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".crt", StringComparison.OrdinalIgnoreCase))
        {
            using var pem = password == null ? X509Certificate2.CreateFromPemFile(path, keyPath) : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
            // Through PKCS#12, so the key is usable by SslStream on every platform.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }

        return X509CertificateLoader.LoadPkcs12FromFile(path, password);
    }

    private static X509Certificate2 LoadOperatorCertificate(HttpsOptions o) => LoadCertificate(o.CertificatePath!, o.CertificateKeyPath, o.CertificatePassword);

    private static X509Certificate2 LoadOrCreateCa(ISecretProtector protector, DataDirectory data, TimeProvider time)
    {
        var certificatePath = data.Combine(CaFileName);
        var keyPath = data.Combine(KeyFileName);
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            var pkcs8 = protector.Unprotect(File.ReadAllBytes(keyPath), KeyPurpose)
                ?? throw new InvalidOperationException($"The development CA key {keyPath} cannot be decrypted with this master key.");
            try
            {
                using var key = ECDsa.Create();
                key.ImportPkcs8PrivateKey(pkcs8, out _);
                using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
                return certificate.CopyWithPrivateKey(key);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
        }

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=M2M.Device gateway development CA, O=M2M.Device", caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = time.GetUtcNow();
        var ca = request.CreateSelfSigned(now - Backdate, now + CaLifetime);
        var caPkcs8 = caKey.ExportPkcs8PrivateKey();
        try
        {
            PrivateFile.WriteAtomically(keyPath, protector.Protect(caPkcs8, KeyPurpose));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(caPkcs8);
        }

        PrivateFile.WriteAtomically(certificatePath, System.Text.Encoding.ASCII.GetBytes(ca.ExportCertificatePem()));
        return ca;
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, HttpsOptions o, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost, O=M2M.Device", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        foreach (var dns in o.DnsNames)
        {
            names.AddDnsName(dns);
        }

        foreach (var ip in o.IpAddresses)
        {
            names.AddIpAddress(IPAddress.Parse(ip));
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var notAfter = now + o.ServerCertificateLifetime;
        using var issued = request.Create(ca, now - Backdate, notAfter < ca.NotAfter ? notAfter : ca.NotAfter, RandomNumberGenerator.GetBytes(16));
        using var withKey = issued.CopyWithPrivateKey(key);
        // Through PKCS#12, so the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
