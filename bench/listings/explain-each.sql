-- Included twice by explain.sql (custom, then generic plans); not meant to be run on its own.
\echo '---- auth: users by id'
:E EXECUTE auth_user(:caller);
\echo '---- GET /samples/owned: count'
:E EXECUTE samples_owned_count(:caller, false);
\echo '---- GET /samples/owned: page (limit 20 offset 0)'
\if :current
:E EXECUTE samples_owned_page(:caller, false);
\else
:E EXECUTE samples_owned_page(:caller, false, 20, 0);
\endif
\echo '---- GET /samples/shared: count'
:E EXECUTE samples_shared_count(:caller, false);
\echo '---- GET /samples/shared: page (limit 20 offset 0)'
\if :current
:E EXECUTE samples_shared_page(:caller, false);
\else
:E EXECUTE samples_shared_page(:caller, false, 20, 0);
\endif
\echo '---- GET /projects/owned: count'
:E EXECUTE projects_owned_count(:caller, false);
\echo '---- GET /projects/owned: page (limit 20 offset 0)'
\if :current
:E EXECUTE projects_owned_page(:caller, false);
\else
:E EXECUTE projects_owned_page(:caller, false, 20, 0);
\endif
\echo '---- GET /projects/shared: count'
:E EXECUTE projects_shared_count(:caller, false);
\echo '---- GET /projects/shared: page (limit 20 offset 0)'
\if :current
:E EXECUTE projects_shared_page(:caller, false);
\else
:E EXECUTE projects_shared_page(:caller, false, 20, 0);
\endif
\echo '---- GET /projects/public: count'
:E EXECUTE projects_public_count;
\echo '---- GET /projects/public: page (limit 20 offset 0)'
\if :current
:E EXECUTE projects_public_page(:caller, false);
\else
:E EXECUTE projects_public_page(:caller, false, 20, 0);
\endif
\echo '---- GET /projects/public: page (limit 20 offset' :offset ')'
\if :current
:E EXECUTE projects_public_mid(:caller, false);
\else
:E EXECUTE projects_public_page(:caller, false, 20, :offset);
\endif
\echo '---- GET /samples/{id}: level'
:E EXECUTE sample_level(:caller, false, :sample);
\echo '---- GET /samples/{id}: detail'
:E EXECUTE sample_detail(:caller, false, :sample);
