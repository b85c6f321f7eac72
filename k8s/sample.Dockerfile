# One image per sample service (SERVICE=inventory-service or order-service). From the repository root:
#   mvn -q -B -DskipTests package
#   docker build -f k8s/sample.Dockerfile --build-arg SERVICE=inventory-service -t inventory-service:dev .
#   docker build -f k8s/sample.Dockerfile --build-arg SERVICE=order-service -t order-service:dev .
FROM eclipse-temurin:17-jre
ARG SERVICE
RUN test -n "$SERVICE" || (echo "--build-arg SERVICE=inventory-service|order-service is required" >&2; exit 1)
RUN useradd --system --uid 10001 --no-create-home app
COPY sample-services/${SERVICE}/target/${SERVICE}-exec.jar /app/app.jar
USER 10001
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
