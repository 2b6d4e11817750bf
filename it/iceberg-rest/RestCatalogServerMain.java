import java.net.InetAddress;
import java.util.Map;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTCatalogServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An Iceberg REST catalog server on 127.0.0.1 only, for the integration tests: Iceberg's reference
 * servlet over a JDBC catalog on an SQLite file. Run with Java's source launcher and the classpath
 * of pom.xml beside this file:
 *
 * <pre>java -cp CLASSPATH RestCatalogServerMain.java PORT WAREHOUSE_DIR CATALOG_DB_FILE</pre>
 *
 * Iceberg's own RESTCatalogServer (iceberg-open-api test fixtures) listens on every interface;
 * this one binds the loopback address, so nothing outside the machine can reach it.
 */
public final class RestCatalogServerMain {
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: RestCatalogServerMain PORT WAREHOUSE_DIR CATALOG_DB_FILE");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    Map<String, String> props =
        Map.of(
            "catalog-impl", "org.apache.iceberg.jdbc.JdbcCatalog",
            "uri", "jdbc:sqlite:" + args[2],
            "jdbc.schema-version", "V1",
            "warehouse", args[1]);
    Catalog backend =
        CatalogUtil.buildIcebergCatalog(
            "rest_backend", props, new org.apache.hadoop.conf.Configuration());

    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    RESTCatalogServlet servlet = new RESTCatalogServlet(new RESTCatalogAdapter(backend));
    context.addServlet(new ServletHolder(servlet), "/*");

    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(context);
    server.start();
    System.out.println("REST catalog on http://127.0.0.1:" + port + ", warehouse " + args[1]);
    server.join();
  }
}
