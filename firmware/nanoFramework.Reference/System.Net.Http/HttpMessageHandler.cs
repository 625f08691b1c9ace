// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/HttpMessageHandler.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;

namespace System.Net.Http
{
    public abstract class HttpMessageHandler : IDisposable
    {
        public void Dispose() => throw null;
    }
}
