// Declarations from github.com/nanoframework/System.Net, nanoFramework.System.Net/Security/NetworkSecurity.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Net.Security
{
    public enum SslProtocols
    {
        None = 0x00,
        [Obsolete("This value is obsolete and unsecured and will be removed in a future version.")]
        Tls = 192,
        [Obsolete("This value is obsolete and unsecured and will be removed in a future version.")]
        Tls11 = 768,
        Tls12 = 3072,
        Tls13 = 12288,
    }

    public enum SslVerification
    {
        NoVerification = 1,
        VerifyPeer = 2,
        CertificateRequired = 4,
        VerifyClientOnce = 8,
    }
}
