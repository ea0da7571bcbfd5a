using Doctolib.Telehealth.Rooms;
using Microsoft.AspNetCore.Diagnostics;

namespace Doctolib.Telehealth.Signaling;

/// <summary>A refused room operation reached over HTTP becomes problem details with its stable type.</summary>
internal sealed class RoomExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not RoomException refused)
        {
            return false;
        }
        await Problems.WriteAsync(httpContext, Problems.StatusOf(refused.Code), refused.Code, "Refused", refused.Message);
        return true;
    }
}
