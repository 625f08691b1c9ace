using System.Net;

namespace M2M.Gateway.Relay.Http;

/// <summary>
/// One POST of an HTTP sink (webhook, Prometheus, Loki) and what its failures mean to the relay,
/// named by status code or error kind, never by the URL, which may carry a secret:
/// no connection or a timeout fails the request (<see cref="SinkDeliveryException"/>,
/// <c>http ConnectionError</c>, <c>http timeout</c>); a 401 or 403 fails the sink as a whole
/// (<see cref="SinkFailureException"/>: its credential is refused, so no record can be delivered
/// and none is dead-lettered until it is fixed); any other answer but a 2xx fails the request
/// (<c>http 503</c>).
/// </summary>
internal static class HttpSinkRequest
{
    /// <summary>POSTs <paramref name="content"/>; the caller disposes the answer.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, Uri url, HttpContent content, CancellationToken cancellationToken)
    {
        try
        {
            return await client.PostAsync(url, content, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new SinkDeliveryException($"http {exception.HttpRequestError}", exception);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SinkDeliveryException("http timeout", exception);
        }
    }

    /// <summary>The failure an answer other than a 2xx is.</summary>
    public static Exception Failure(HttpResponseMessage response) => response.StatusCode switch
    {
        HttpStatusCode.Unauthorized => new SinkFailureException("http 401: the backend refused the sink's credential"),
        HttpStatusCode.Forbidden => new SinkFailureException("http 403: the sink's credential is not allowed to write"),
        _ => new SinkDeliveryException($"http {(int)response.StatusCode}"),
    };
}
