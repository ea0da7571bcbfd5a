namespace Doctolib.Telehealth.Browser.Bench;

/// <summary>Waits for a server the bench started: both the plain and the shaped runs.</summary>
internal static class ServerHealth
{
    public static async Task WaitAsync(HttpClient http)
    {
        for (var i = 0; i < 120; i++)
        {
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(500);
        }
        throw new TimeoutException("The server did not become healthy within 60 s.");
    }
}
