// Declarations from github.com/nanoframework/System.Net.Http, nanoFramework.System.Net.Http/Http/HttpCompletionOption.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System.Net.Http
{
    public enum HttpCompletionOption
    {
        ResponseContentRead = 0,
        ResponseHeadersRead,
    }
}
