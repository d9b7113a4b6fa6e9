// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IErc20Token {
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
    function transfer(address to, uint256 amount) external returns (bool);
}

/// A THORChain-style router: ETH deposits go straight to the vault and are announced with the
/// destination in the memo (e.g. `=:BTC.BTC:<address>`); tokens stay in the router. Same event
/// shapes as THORChain's router (Deposit, TransferOut).
contract ThorRouter {
    event Deposit(address indexed to, address indexed asset, uint256 amount, string memo);
    event TransferOut(address indexed vault, address indexed to, address asset, uint256 amount, string memo);

    function depositWithExpiry(address payable vault, address asset, uint256 amount, string calldata memo, uint256 expiration) external payable {
        require(block.timestamp < expiration, "expired");
        if (asset == address(0)) {
            amount = msg.value;
            (bool ok, ) = vault.call{value: amount}("");
            require(ok, "send failed");
        } else {
            require(msg.value == 0, "unexpected eth");
            IErc20Token(asset).transferFrom(msg.sender, address(this), amount);
        }
        emit Deposit(vault, asset, amount, memo);
    }

    function transferOut(address payable to, address asset, uint256 amount, string calldata memo) external payable {
        if (asset == address(0)) {
            amount = msg.value;
            (bool ok, ) = to.call{value: amount}("");
            require(ok, "send failed");
        } else {
            IErc20Token(asset).transfer(to, amount);
        }
        emit TransferOut(msg.sender, to, asset, amount, memo);
    }
}
