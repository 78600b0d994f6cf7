app_name = "unisvers"

urlpatterns = []
