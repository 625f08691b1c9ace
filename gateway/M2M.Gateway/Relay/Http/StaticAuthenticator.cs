using System.Net.Http.Headers;
using System.Text;

namespace M2M.Gateway.Relay.Http;

/// <summary>
/// A fixed credential: <c>Authorization: Bearer {token}</c> (RFC 6750 section 2.1) or
/// <c>Authorization: Basic base64(user:password)</c> (RFC 7617 section 2). The value is read from the
/// credential store at each request, so a credential an operator replaces applies at the next attempt.
/// </summary>
public sealed class StaticAuthenticator(SinkCredentialStore credentials, string credential, string? username) : ISinkAuthenticator
{
    public bool CanRenew => false;

    public async ValueTask<AuthenticationHeaderValue?> AuthorizeAsync(bool renew, CancellationToken cancellationToken)
    {
        var secret = await CredentialValueAsync(credentials, credential, cancellationToken).ConfigureAwait(false);
        return username == null
            ? new AuthenticationHeaderValue("Bearer", secret)
            : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{secret}")));
    }

    /// <summary>
    /// The stored value of <paramref name="name"/>; <see cref="SinkAuthenticationException"/>
    /// (credential_missing, credential_unreadable, credential_store_unavailable) otherwise.
    /// </summary>
    internal static async Task<string> CredentialValueAsync(SinkCredentialStore credentials, string name, CancellationToken cancellationToken)
    {
        var (result, value) = await credentials.RevealAsync(name, cancellationToken).ConfigureAwait(false);
        return result switch
        {
            CredentialLookup.Found => value!,
            CredentialLookup.Missing => throw new SinkAuthenticationException("credential_missing"),
            CredentialLookup.Unavailable => throw new SinkAuthenticationException("credential_store_unavailable"),
            _ => throw new SinkAuthenticationException("credential_unreadable"),
        };
    }
}
