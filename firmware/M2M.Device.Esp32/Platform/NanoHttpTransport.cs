using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using M2M.Device.Core.Platform;

namespace M2M.Device.Esp32.Platform
{
    /// <summary>
    /// The token request over nanoFramework.System.Net.Http. It uses HttpWebRequest, the class that
    /// HttpClient itself wraps, because HttpClient's response headers (1.5.x) offer no way to read a
    /// header, and the token client needs Date (clock correction, docs/protocol.md section 3.4) and
    /// Retry-After. Timeout and read/write timeout are always set (the defaults are 100 s and 5 min).
    /// </summary>
    public sealed class NanoHttpTransport : IHttpTransport
    {
        private const int MaxBody = 8192;
        private readonly int _timeoutMilliseconds;
        private readonly X509Certificate? _caCertificate;

        /// <summary>A transport with the given timeout; <paramref name="caCertificatePem"/> (empty: the board's stored CA) is the root trusted for HTTPS.</summary>
        public NanoHttpTransport(int timeoutMilliseconds, string caCertificatePem)
        {
            _timeoutMilliseconds = timeoutMilliseconds;
            _caCertificate = caCertificatePem == null || caCertificatePem.Length == 0 ? null : new X509Certificate(caCertificatePem);
        }

        /// <inheritdoc />
        public HttpResult PostForm(string url, string formBody, string? authorization)
        {
            try
            {
                var request = (HttpWebRequest)WebRequest.Create(url);
                request.Method = "POST";
                request.Timeout = _timeoutMilliseconds;
                request.ReadWriteTimeout = _timeoutMilliseconds;
                request.KeepAlive = false;
                request.SslProtocols = SslProtocols.Tls12;
                if (_caCertificate != null)
                {
                    request.HttpsAuthentCert = _caCertificate;
                }

                request.ContentType = "application/x-www-form-urlencoded";
                if (authorization != null)
                {
                    request.Headers.Add("Authorization", authorization);
                }

                var body = Encoding.UTF8.GetBytes(formBody);
                request.ContentLength = body.Length;
                using (var requestStream = request.GetRequestStream())
                {
                    requestStream.Write(body, 0, body.Length);
                }

                using (var response = (HttpWebResponse)request.GetResponse())
                {
                    var text = ReadBody(response);
                    return new HttpResult((int)response.StatusCode, text, Header(response, "Date"), Header(response, "Retry-After"));
                }
            }
            catch (WebException exception)
            {
                return HttpResult.NoResponse("web " + ((int)exception.Status).ToString());
            }
            catch (IOException)
            {
                return HttpResult.NoResponse("io");
            }
            catch (Exception)
            {
                return HttpResult.NoResponse("failed");
            }
        }

        private static string? Header(HttpWebResponse response, string name)
        {
            var value = response.GetResponseHeader(name);
            return value == null || value.Length == 0 ? null : value;
        }

        private static string ReadBody(HttpWebResponse response)
        {
            using (var stream = response.GetResponseStream())
            {
                var buffer = new byte[MaxBody];
                var length = 0;
                var expected = response.ContentLength;
                while (length < buffer.Length && (expected < 0 || length < expected))
                {
                    var read = stream.Read(buffer, length, buffer.Length - length);
                    if (read <= 0)
                    {
                        break;
                    }

                    length += read;
                }

                return length == 0 ? string.Empty : Encoding.UTF8.GetString(buffer, 0, length);
            }
        }
    }
}
