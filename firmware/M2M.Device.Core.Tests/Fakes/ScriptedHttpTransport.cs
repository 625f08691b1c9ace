using System.Collections;
using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Tests.Fakes
{
    /// <summary>An HTTP transport that answers from a script and records every request.</summary>
    public sealed class ScriptedHttpTransport : IHttpTransport
    {
        private readonly Queue _answers = new Queue();
        private readonly ArrayList _bodies = new ArrayList();
        private readonly ArrayList _authorizations = new ArrayList();
        private readonly ArrayList _urls = new ArrayList();

        /// <summary>Requests sent so far.</summary>
        public int Count
        {
            get { return _bodies.Count; }
        }

        /// <summary>Queues an answer; when the script is empty every request gets no response.</summary>
        public void Answer(HttpResult result)
        {
            _answers.Enqueue(result);
        }

        /// <summary>Queues a JSON answer with a Date header (null for none).</summary>
        public void Answer(int status, string body, string? date)
        {
            _answers.Enqueue(new HttpResult(status, body, date, null));
        }

        public string Body(int index)
        {
            return (string)_bodies[index]!;
        }

        public string? Authorization(int index)
        {
            return (string?)_authorizations[index];
        }

        public string Url(int index)
        {
            return (string)_urls[index]!;
        }

        public HttpResult PostForm(string url, string formBody, string? authorization)
        {
            _urls.Add(url);
            _bodies.Add(formBody);
            _authorizations.Add(authorization);
            return _answers.Count == 0 ? HttpResult.NoResponse("unreachable") : (HttpResult)_answers.Dequeue()!;
        }
    }
}
