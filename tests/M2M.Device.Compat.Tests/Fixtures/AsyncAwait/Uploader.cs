using System.Threading.Tasks;

namespace Fixtures
{
    public static class Uploader
    {
        public static async Task UploadAsync()
        {
            await Task.Delay(100);
        }
    }
}
