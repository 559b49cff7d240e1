"""Admin: find any shop, with its plan and what it uses of it (SHOP-2). The plan is changed on
the shop's own page (shops.set_plan), which says first what a smaller plan would hide."""
from flask import render_template

from app.blueprints.admin import bp, services
from app.blueprints.shops.plans import PLAN_NAMES
from app.models.shops import PLANS
from app.urls import text_arg


@bp.route("/shops")
def shops():
    """Every shop, open, closed or hidden, found by name, web address or owner's e-mail."""
    query = text_arg("q")
    return render_template("admin/shops.html", rows=services.find_shops(query), q=query,
                           plans=PLANS, plan_names=PLAN_NAMES)
